package io.attache.bench.scenario;

import io.attache.bench.load.UnaryCall;
import io.attache.bench.servers.Fixtures;
import io.attache.bench.servers.ServerKind;
import java.security.KeyPair;
import java.util.Map;
import java.util.function.Function;

/**
 * A comparison: the real server against its no-op baseline, sending the same requests. {@code
 * target} is the floor for real max throughput / baseline max throughput.
 */
public enum Scenario {
  AUTHZ_JWT(
      ServerKind.NOOP_AUTHZ,
      ServerKind.AUTHZ,
      0.7,
      keys ->
          Calls.check("/jwt/orders", Map.of("authorization", "Bearer " + Fixtures.token(keys)))),
  AUTHZ_API_KEY(
      ServerKind.NOOP_AUTHZ,
      ServerKind.AUTHZ,
      0.85,
      keys -> Calls.check("/key/orders", Map.of("x-api-key", Fixtures.API_KEY))),
  AUTHZ_CEL(
      ServerKind.NOOP_AUTHZ,
      ServerKind.AUTHZ,
      0.85,
      keys -> Calls.check("/cel/orders", Map.of("x-api-key", Fixtures.API_KEY))),
  /** A browser's Check with a session cookie from an OpenID Connect login (issue #24). */
  AUTHZ_SESSION(
      ServerKind.NOOP_AUTHZ,
      ServerKind.AUTHZ,
      0.7,
      keys ->
          Calls.check(
              "/session/orders",
              Map.of("cookie", Fixtures.sessionCookie(keys), "accept", "text/html"))),
  /**
   * An opaque token checked by introspection (RFC 7662), answered from memory after the first Check
   * asks the runner's endpoint (issue #24).
   */
  AUTHZ_INTROSPECTION(
      ServerKind.NOOP_AUTHZ,
      ServerKind.AUTHZ,
      0.8,
      keys ->
          Calls.check(
              "/opaque/orders", Map.of("authorization", "Bearer " + Fixtures.OPAQUE_TOKEN))),
  RATELIMIT_MEMORY(
      ServerKind.NOOP_RATELIMIT, ServerKind.RATELIMIT_MEMORY, 0.85, keys -> Calls.rateLimit()),
  RATELIMIT_REDIS(
      ServerKind.NOOP_RATELIMIT, ServerKind.RATELIMIT_REDIS, 0.5, keys -> Calls.rateLimit()),
  /** The same descriptors counted by token bucket (GCRA, issue #25): a CAS per bucket. */
  RATELIMIT_MEMORY_TOKEN_BUCKET(
      ServerKind.NOOP_RATELIMIT,
      ServerKind.RATELIMIT_MEMORY,
      0.85,
      keys -> Calls.rateLimit("bench-tb")),
  /** Token buckets in Redis: one Lua script call per loop iteration, every bucket in it (#25). */
  RATELIMIT_REDIS_TOKEN_BUCKET(
      ServerKind.NOOP_RATELIMIT,
      ServerKind.RATELIMIT_REDIS,
      0.5,
      keys -> Calls.rateLimit("bench-tb")),
  /** The same descriptors counted in sliding windows (issue #25): one compute per window. */
  RATELIMIT_MEMORY_SLIDING_WINDOW(
      ServerKind.NOOP_RATELIMIT,
      ServerKind.RATELIMIT_MEMORY,
      0.85,
      keys -> Calls.rateLimit("bench-sw")),
  /** Sliding windows in Redis: one Lua script call per loop iteration, every window in it. */
  RATELIMIT_REDIS_SLIDING_WINDOW(
      ServerKind.NOOP_RATELIMIT,
      ServerKind.RATELIMIT_REDIS,
      0.5,
      keys -> Calls.rateLimit("bench-sw")),
  RATELIMIT_REDIS_COALESCED(
      ServerKind.NOOP_RATELIMIT,
      ServerKind.RATELIMIT_REDIS_COALESCED,
      0.5,
      keys -> Calls.rateLimit()),
  /**
   * Not against a no-op: ext-authz with every decision published to Kafka against ext-authz without
   * events, at the same rate; the target is on p99 (less than 5 % added).
   */
  AUTHZ_EVENTS(
      ServerKind.AUTHZ,
      ServerKind.AUTHZ_EVENTS,
      0.95,
      keys -> Calls.check("/key/orders", Map.of("x-api-key", Fixtures.API_KEY))),
  /**
   * ext-authz tracing every check (or as many as {@code OTEL_TRACES_SAMPLER_ARG} says) against
   * ext-authz without tracing, at the same rate: what tracing adds to p99 (issue #21).
   */
  AUTHZ_TRACED(
      ServerKind.AUTHZ,
      ServerKind.AUTHZ_TRACED,
      0.95,
      keys -> Calls.check("/key/orders", Map.of("x-api-key", Fixtures.API_KEY)));

  private final ServerKind baseline;
  private final ServerKind real;
  private final double target;
  private final Function<KeyPair, UnaryCall> call;

  Scenario(ServerKind baseline, ServerKind real, double target, Function<KeyPair, UnaryCall> call) {
    this.baseline = baseline;
    this.real = real;
    this.target = target;
    this.call = call;
  }

  public ServerKind baseline() {
    return baseline;
  }

  public ServerKind real() {
    return real;
  }

  public double target() {
    return target;
  }

  /** Whether the target is on p99 at equal load rather than on max throughput. */
  public boolean latencyTarget() {
    return this == AUTHZ_EVENTS || this == AUTHZ_TRACED;
  }

  public UnaryCall call(KeyPair keys) {
    return call.apply(keys);
  }

  public String argument() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  public static Scenario parse(String argument) {
    return valueOf(argument.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
  }
}
