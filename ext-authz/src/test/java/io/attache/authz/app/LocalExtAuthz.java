package io.attache.authz.app;

import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** ext-authz on loopback with its policies from a directory, as the end-to-end tests start it. */
public final class LocalExtAuthz {
  private LocalExtAuthz() {}

  /**
   * @param httpPort the HTTP mode's port (0: any; the tests that call it choose a free one)
   * @param kubernetes for AuthPolicy resources and Secrets, when the test has a mock API server
   */
  public static ServiceHost start(
      Path policies, int httpPort, Optional<KubernetesClient> kubernetes) {
    return ExtAuthzApp.start(
        new Settings(
            Map.of(
                "HOST", "127.0.0.1",
                "GRPC_PORT", "0",
                "ADMIN_PORT", "0",
                "HTTP_PORT", String.valueOf(httpPort),
                "ATTACHE_POLICY_DIR", policies.toString(),
                "ATTACHE_CONFIG_POLL_INTERVAL", "100ms")),
        kubernetes);
  }
}
