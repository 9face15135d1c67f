package io.attache.ratelimit.app;

import io.attache.events.EventSink;
import io.attache.runtime.EventSinks;
import io.attache.runtime.ServiceHost;
import io.attache.runtime.Settings;

/**
 * Wires ratelimit-service: Envoy's rate-limit service (ShouldRateLimit v3), compatible with
 * envoyproxy/ratelimit.
 *
 * <p>Settings: {@code HOST} (0.0.0.0), {@code GRPC_PORT} (8081), {@code PORT} (8080, as the
 * reference service), and the event variables of {@link EventSinks}.
 */
public final class RateLimitApp {
  private RateLimitApp() {}

  public static ServiceHost start(Settings settings) {
    String host = settings.string("HOST", "0.0.0.0");
    int grpcPort = settings.port("GRPC_PORT", 8081);
    int adminPort = settings.port("PORT", 8080);
    EventSink events = EventSinks.fromSettings(settings, "ratelimit-service");
    return ServiceHost.builder("ratelimit-service")
        .host(host)
        .grpcPort(grpcPort)
        .adminPort(adminPort)
        .events(events)
        .start();
  }
}
