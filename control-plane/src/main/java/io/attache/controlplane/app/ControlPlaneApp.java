package io.attache.controlplane.app;

import io.attache.events.EventSink;
import io.attache.runtime.EventSinks;
import io.attache.runtime.ServiceHost;
import io.attache.runtime.Settings;

/**
 * Wires control-plane: the xDS management server (ADS) and the Access Log Service receiver.
 *
 * <p>Settings: {@code HOST} (0.0.0.0), {@code GRPC_PORT} (18000), {@code ADMIN_PORT} (18001), and
 * the event variables of {@link EventSinks}.
 */
public final class ControlPlaneApp {
  private ControlPlaneApp() {}

  public static ServiceHost start(Settings settings) {
    String host = settings.string("HOST", "0.0.0.0");
    int grpcPort = settings.port("GRPC_PORT", 18000);
    int adminPort = settings.port("ADMIN_PORT", 18001);
    EventSink events = EventSinks.fromSettings(settings, "control-plane");
    return ServiceHost.builder("control-plane")
        .host(host)
        .grpcPort(grpcPort)
        .adminPort(adminPort)
        .events(events)
        .start();
  }
}
