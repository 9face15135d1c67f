package io.attache.controlplane.e2e;

import io.attache.controlplane.app.ControlPlaneApp;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Starts the real control plane on loopback, on free ports, for the end-to-end tests. */
public final class ControlPlanes {
  private ControlPlanes() {}

  /** Serving the YAML in {@code resources}, polled every 50 ms. */
  public static ServiceHost fromDirectory(Path resources) {
    return fromDirectory(resources, Map.of());
  }

  /** As above, with these settings too. */
  public static ServiceHost fromDirectory(Path resources, Map<String, String> more) {
    Map<String, String> settings = new HashMap<>(more);
    settings.putAll(
        Map.of(
            "HOST", "127.0.0.1",
            "GRPC_PORT", "0",
            "ADMIN_PORT", "0",
            "ATTACHE_RESOURCES_DIR", resources.toString(),
            "ATTACHE_CONFIG_POLL_INTERVAL", "50ms"));
    return ControlPlaneApp.start(new Settings(settings));
  }
}
