package io.attache.events;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** One realistic event of each kind, every optional field set. */
public final class SampleEvents {
  private SampleEvents() {}

  public static AuthzDecision authz(String principal, int n) {
    return new AuthzDecision(
        Decision.DENY,
        "rule_denied",
        403,
        Optional.of("payments/api-keys"),
        Optional.of("only-admins"),
        Optional.of(principal),
        Optional.of("api_key"),
        Optional.of("k1_3hXc9aQvP2"),
        "POST",
        "api.example.com",
        "/v1/payments/" + n,
        "10.1.2.3:51234",
        Optional.of("req-" + n),
        412,
        Optional.empty());
  }

  /** {@link #authz} of a traced check. */
  public static AuthzDecision authzTraced(String principal, int n, String traceparent) {
    AuthzDecision e = authz(principal, n);
    return new AuthzDecision(
        e.decision(),
        e.reason(),
        e.httpStatus(),
        e.policy(),
        e.rule(),
        e.principal(),
        e.identityMethod(),
        e.keyFingerprint(),
        e.method(),
        e.host(),
        e.path(),
        e.sourceAddress(),
        e.requestId(),
        e.latencyMicros(),
        Optional.of(traceparent));
  }

  public static ConfigChange config() {
    return new ConfigChange(
        "control-plane",
        "RateLimitPolicy",
        Optional.of("payments"),
        "per-user",
        OptionalLong.of(7),
        ConfigChange.Outcome.REJECTED,
        "spec.limits[0].unit: must be one of second, minute, hour, day",
        Optional.of("sha256:ab12"));
  }

  public static RateLimitDecision ratelimit() {
    return new RateLimitDecision(
        "ambassador",
        List.of(
            new RateLimitDecision.Entry("generic_key", "per-user"),
            new RateLimitDecision.Entry("user", "alice \"the\" admin")),
        "OVER_LIMIT",
        Optional.of("per-user"),
        10,
        "MINUTE",
        60,
        "fixed_window",
        0,
        1,
        false,
        42,
        Optional.of("req-9"),
        Optional.empty());
  }

  public static AccessLog access() {
    return new AccessLog(
        "ingress",
        Optional.of("envoy-1"),
        Optional.of("2026-11-26T15:22:25.123Z"),
        "GET",
        "api.example.com",
        "/v1/things",
        "HTTP/2",
        200,
        OptionalLong.of(1830),
        0,
        512,
        Optional.of("10.1.2.3:51234"),
        Optional.of("things"),
        Optional.of("10.4.0.7:8080"),
        Optional.of("things-route"),
        Optional.of("req-1"),
        Optional.of("curl/8.5"),
        Optional.of("-"));
  }

  /**
   * An entry Envoy logged before it had parsed a request (a protocol error): no authority, path or
   * route, so no subject and no partition key.
   */
  public static AccessLog accessWithoutRequest() {
    return new AccessLog(
        "ingress",
        Optional.empty(),
        Optional.empty(),
        "",
        "",
        "",
        "HTTP/1.1",
        400,
        OptionalLong.empty(),
        0,
        0,
        Optional.of("10.1.2.3:51234"),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.of("DPE"));
  }

  public static List<Event> oneOfEach() {
    return List.of(authz("alice", 1), config(), ratelimit(), access());
  }
}
