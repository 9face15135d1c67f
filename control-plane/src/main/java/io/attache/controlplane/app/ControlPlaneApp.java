package io.attache.controlplane.app;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.xds.XdsServer;
import io.attache.events.EventSink;
import io.attache.runtime.EventSinks;
import io.attache.runtime.ServiceHost;
import io.attache.runtime.Settings;
import java.time.Duration;

/**
 * Wires control-plane: the xDS management server (ADS); no source of cluster state yet, so it
 * serves an empty configuration.
 *
 * <p>Settings: {@code HOST} (0.0.0.0), {@code GRPC_PORT} (18000), {@code ADMIN_PORT} (18001),
 * {@code XDS_DEBOUNCE} (100ms) and {@code XDS_MAX_DELAY} (1s) between a change and its push, and
 * the event variables of {@link EventSinks}.
 */
public final class ControlPlaneApp {
  private ControlPlaneApp() {}

  public static ServiceHost start(Settings settings) {
    String host = settings.string("HOST", "0.0.0.0");
    int grpcPort = settings.port("GRPC_PORT", 18000);
    int adminPort = settings.port("ADMIN_PORT", 18001);
    Duration debounce = settings.duration("XDS_DEBOUNCE", Duration.ofMillis(100));
    Duration maxDelay = settings.duration("XDS_MAX_DELAY", Duration.ofSeconds(1));
    EventSink events = EventSinks.fromSettings(settings, "control-plane"); // validates settings

    XdsServer xds = new XdsServer(debounce, maxDelay);
    xds.publisher().publish(ClusterState.EMPTY);
    try {
      return ServiceHost.builder("control-plane")
          .host(host)
          .grpcPort(grpcPort)
          .adminPort(adminPort)
          .events(events)
          .service(xds.aggregatedDiscoveryService())
          .ready(() -> xds.publisher().current().isPresent())
          .onClose(xds)
          .start();
    } catch (RuntimeException e) {
      xds.close();
      throw e;
    }
  }
}
