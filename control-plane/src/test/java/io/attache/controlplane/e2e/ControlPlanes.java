package io.attache.controlplane.e2e;

import io.attache.controlplane.app.ControlPlaneApp;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import java.nio.file.Path;
import java.util.Map;

/** Starts the real control plane on loopback, on free ports, for the end-to-end tests. */
public final class ControlPlanes {
  private ControlPlanes() {}

  /** Serving the YAML in {@code resources}, polled every 50 ms. */
  public static ServiceHost fromDirectory(Path resources) {
    return ControlPlaneApp.start(
        new Settings(
            Map.of(
                "HOST", "127.0.0.1",
                "GRPC_PORT", "0",
                "ADMIN_PORT", "0",
                "ATTACHE_RESOURCES_DIR", resources.toString(),
                "ATTACHE_CONFIG_POLL_INTERVAL", "50ms")));
  }
}
