package io.attache.authz.app;

import io.attache.events.EventSink;
import io.attache.runtime.EventSinks;
import io.attache.runtime.ServiceHost;
import io.attache.runtime.Settings;

/**
 * Wires ext-authz: Envoy external authorization (gRPC Check v3) and Emissary's plain-HTTP
 * AuthService mode.
 *
 * <p>Settings: {@code HOST} (0.0.0.0), {@code GRPC_PORT} (9001), {@code ADMIN_PORT} (9003), and the
 * event variables of {@link EventSinks}.
 */
public final class ExtAuthzApp {
  private ExtAuthzApp() {}

  public static ServiceHost start(Settings settings) {
    String host = settings.string("HOST", "0.0.0.0");
    int grpcPort = settings.port("GRPC_PORT", 9001);
    int adminPort = settings.port("ADMIN_PORT", 9003);
    EventSink events = EventSinks.fromSettings(settings, "ext-authz");
    return ServiceHost.builder("ext-authz")
        .host(host)
        .grpcPort(grpcPort)
        .adminPort(adminPort)
        .events(events)
        .start();
  }
}
