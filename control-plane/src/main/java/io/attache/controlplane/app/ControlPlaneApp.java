package io.attache.controlplane.app;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.source.ResourceDirectory;
import io.attache.controlplane.xds.XdsServer;
import io.attache.events.EventSink;
import io.attache.runtime.AdminServer;
import io.attache.runtime.EventSinks;
import io.attache.runtime.ServiceHost;
import io.attache.runtime.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Wires control-plane: the xDS management server (ADS) fed from Kubernetes resources.
 *
 * <p>Settings: {@code HOST} (0.0.0.0), {@code GRPC_PORT} (18000), {@code ADMIN_PORT} (18001),
 * {@code ATTACHE_RESOURCES_DIR} (unset: serve an empty configuration) with Service and
 * EndpointSlice YAML, {@code ATTACHE_CONFIG_POLL_INTERVAL} (1s), {@code XDS_DEBOUNCE} (100ms) and
 * {@code XDS_MAX_DELAY} (1s) between a change and its push, and the event variables of {@link
 * EventSinks}.
 *
 * <p>Admin: {@code /resource-errors} lists the errors of the last read of the resources directory
 * (empty while the directory is valid).
 */
public final class ControlPlaneApp {
  private ControlPlaneApp() {}

  /** One line per error of the last read of the resources directory; empty when it was good. */
  private static AdminServer.Response errors(ResourceDirectory directory) {
    StringBuilder body = new StringBuilder();
    directory.lastErrors().forEach(error -> body.append(error).append('\n'));
    return AdminServer.Response.text(200, body.toString());
  }

  public static ServiceHost start(Settings settings) {
    String host = settings.string("HOST", "0.0.0.0");
    int grpcPort = settings.port("GRPC_PORT", 18000);
    int adminPort = settings.port("ADMIN_PORT", 18001);
    Optional<Path> resources = settings.optional("ATTACHE_RESOURCES_DIR").map(Path::of);
    Duration poll = settings.duration("ATTACHE_CONFIG_POLL_INTERVAL", Duration.ofSeconds(1));
    Duration debounce = settings.duration("XDS_DEBOUNCE", Duration.ofMillis(100));
    Duration maxDelay = settings.duration("XDS_MAX_DELAY", Duration.ofSeconds(1));
    EventSink events = EventSinks.fromSettings(settings, "control-plane"); // validates settings

    XdsServer xds = new XdsServer(debounce, maxDelay);
    Optional<ResourceDirectory> directory =
        resources.map(dir -> new ResourceDirectory(dir, poll, xds.publisher()::publish));
    if (resources.isEmpty()) {
      xds.publisher().publish(ClusterState.EMPTY);
    }
    ServiceHost.Builder builder =
        ServiceHost.builder("control-plane")
            .host(host)
            .grpcPort(grpcPort)
            .adminPort(adminPort)
            .events(events)
            .service(xds.aggregatedDiscoveryService())
            .ready(() -> xds.publisher().current().isPresent());
    directory.ifPresent(
        dir -> builder.adminRoute("/resource-errors", () -> errors(dir)).onClose(dir));
    builder.onClose(xds);
    try {
      return builder.start();
    } catch (RuntimeException e) {
      directory.ifPresent(ResourceDirectory::close);
      xds.close();
      throw e;
    }
  }
}
