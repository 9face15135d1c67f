package io.attache.runtime;

import io.grpc.netty.NettyServerBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How long a client's connection to a gRPC port may live: {@code GRPC_MAX_CONNECTION_AGE} (default
 * {@code 24h}) and {@code GRPC_MAX_CONNECTION_AGE_GRACE} (default {@code 1h}), the reference
 * rate-limit service's names and defaults (envoyproxy/ratelimit, {@code src/settings/settings.go}).
 *
 * <p>Past its age (give or take a tenth, so that connections opened together do not all close
 * together) a connection receives an HTTP/2 GOAWAY: the client finishes its calls on it and opens a
 * new one, which a load balancer may send to a replica added since. Envoy keeps its connections to
 * an ext_authz or rate-limit cluster for as long as they work, so without this a scale-out never
 * receives their traffic. After the grace, calls still open on the old connection are cut. {@code
 * 0} means never, for either.
 */
public record ConnectionAge(Duration maxAge, Duration grace) {
  public static final ConnectionAge REFERENCE_DEFAULTS =
      new ConnectionAge(Duration.ofHours(24), Duration.ofHours(1));

  public ConnectionAge {
    if (maxAge.isNegative() || grace.isNegative()) {
      throw new IllegalArgumentException("connection ages must not be negative");
    }
  }

  /** The two variables, with the reference's defaults; a bad value is a settings problem. */
  public static ConnectionAge fromSettings(Settings settings) {
    return new ConnectionAge(
        settings.duration("GRPC_MAX_CONNECTION_AGE", REFERENCE_DEFAULTS.maxAge()),
        settings.duration("GRPC_MAX_CONNECTION_AGE_GRACE", REFERENCE_DEFAULTS.grace()));
  }

  public void applyTo(NettyServerBuilder server) {
    if (!maxAge.isZero()) {
      server.maxConnectionAge(maxAge.toNanos(), TimeUnit.NANOSECONDS);
    }
    if (!grace.isZero()) {
      server.maxConnectionAgeGrace(grace.toNanos(), TimeUnit.NANOSECONDS);
    }
  }
}
