package io.attache.runtime;

import java.time.Duration;

/**
 * What one HTTP/1.1 port allows a client connection, so that connections which send nothing, or a
 * byte at a time (a slowloris needs no bandwidth), cannot hold sockets and memory for long.
 *
 * @param headerTimeout how long a request head may take to arrive, from the connection's opening or
 *     from the first byte of a later request on it; a body, if any, gets as long again after its
 *     head. Past it the connection is closed.
 * @param idleTimeout how long a keep-alive connection may wait between a response and the next
 *     request's first byte.
 * @param maxConnections how many connections may be open at once; one more is answered 503 and
 *     closed at once.
 */
public record HttpLimits(Duration headerTimeout, Duration idleTimeout, int maxConnections) {
  /**
   * ext-authz's HTTP port. The idle timeout is longer than Envoy's default upstream {@code
   * idle_timeout} (1 h, {@code HttpProtocolOptions.common_http_protocol_options}), so Envoy closes
   * an idle pooled connection first and never sends a check on one we are closing. Envoy's default
   * circuit breaker caps each Envoy at 1,024 connections to a cluster: 10,000 serves ten at theirs.
   */
  public static final HttpLimits AUTH_DEFAULTS =
      new HttpLimits(Duration.ofSeconds(10), Duration.ofMinutes(65), 10_000);

  /**
   * Admin ports: probes open a connection each time, Prometheus keeps one per scraper alive between
   * scrapes (a minute or two apart).
   */
  public static final HttpLimits ADMIN_DEFAULTS =
      new HttpLimits(Duration.ofSeconds(10), Duration.ofMinutes(5), 128);

  public HttpLimits {
    if (headerTimeout.isNegative() || headerTimeout.isZero()) {
      throw new IllegalArgumentException("the header timeout must be positive");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("the idle timeout must be positive");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("at least one connection must be allowed");
    }
  }

  /**
   * {@code <prefix>_HEADER_TIMEOUT}, {@code <prefix>_IDLE_TIMEOUT} and {@code
   * <prefix>_MAX_CONNECTIONS}, each defaulting to {@code defaults}'; a zero or negative value is a
   * settings problem naming the variable.
   */
  public static HttpLimits fromSettings(Settings settings, String prefix, HttpLimits defaults) {
    return new HttpLimits(
        positive(settings, prefix + "_HEADER_TIMEOUT", defaults.headerTimeout()),
        positive(settings, prefix + "_IDLE_TIMEOUT", defaults.idleTimeout()),
        settings.integer(
            prefix + "_MAX_CONNECTIONS", defaults.maxConnections(), 1, Integer.MAX_VALUE));
  }

  private static Duration positive(Settings settings, String name, Duration defaultValue) {
    Duration value = settings.duration(name, defaultValue);
    if (value.isNegative() || value.isZero()) {
      settings.reject(name, "must be longer than 0");
      return defaultValue;
    }
    return value;
  }
}
