package io.attache.controlplane.source;

import io.attache.controlplane.model.TrafficPolicyState;
import io.attache.controlplane.model.TrafficPolicyState.LbType;
import io.attache.crds.v1alpha1.TargetRef;
import io.attache.crds.v1alpha1.TrafficPolicy;
import io.attache.crds.v1alpha1.TrafficPolicySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Checks a {@code TrafficPolicy} and turns it into a {@link TrafficPolicyState}; every bad field is
 * reported with its path. Retry conditions are Envoy's {@code x-envoy-retry-on} values.
 */
final class TrafficPolicyConverter {
  private static final Map<String, LbType> LB_TYPES =
      Map.of(
          "RoundRobin", LbType.ROUND_ROBIN,
          "LeastRequest", LbType.LEAST_REQUEST,
          "RingHash", LbType.RING_HASH,
          "Maglev", LbType.MAGLEV,
          "Random", LbType.RANDOM);
  private static final Set<String> RETRY_ON =
      Set.of(
          "5xx",
          "gateway-error",
          "reset",
          "reset-before-request",
          "connect-failure",
          "envoy-ratelimited",
          "retriable-4xx",
          "refused-stream",
          "retriable-status-codes",
          "retriable-headers",
          "http3-post-connect-failure",
          "cancelled",
          "deadline-exceeded",
          "internal",
          "resource-exhausted",
          "unavailable");

  private TrafficPolicyConverter() {}

  static Optional<TrafficPolicyState> convert(TrafficPolicy policy, DocumentErrors errors) {
    String name = Metadata.name(policy, errors);
    TrafficPolicySpec spec = policy.getSpec();
    if (spec == null) {
      errors.add("spec", "required");
      return Optional.empty();
    }
    Check check = new Check(errors);
    List<TrafficPolicyState.Target> targets = new ArrayList<>();
    List<TargetRef> refs = spec.targetRefs() == null ? List.of() : spec.targetRefs();
    if (refs.isEmpty()) {
      errors.add("spec.targetRefs", "at least one target is required");
      check.valid = false;
    }
    for (int i = 0; i < refs.size(); i++) {
      target(refs.get(i), "spec.targetRefs[" + i + "]", check).ifPresent(targets::add);
    }
    Optional<TrafficPolicyState.LoadBalancer> loadBalancer =
        Optional.ofNullable(spec.loadBalancer()).flatMap(lb -> loadBalancer(lb, check));
    Optional<TrafficPolicyState.CircuitBreaker> breaker =
        Optional.ofNullable(spec.circuitBreaker())
            .map(
                cb ->
                    new TrafficPolicyState.CircuitBreaker(
                        check.count(cb.maxConnections(), 1, "spec.circuitBreaker.maxConnections"),
                        check.count(
                            cb.maxPendingRequests(), 1, "spec.circuitBreaker.maxPendingRequests"),
                        check.count(cb.maxRequests(), 1, "spec.circuitBreaker.maxRequests"),
                        check.count(cb.maxRetries(), 0, "spec.circuitBreaker.maxRetries")));
    Optional<TrafficPolicyState.OutlierDetection> outliers =
        Optional.ofNullable(spec.outlierDetection())
            .map(
                od -> {
                  OptionalInt percent =
                      check.count(
                          od.maxEjectionPercent(), 0, "spec.outlierDetection.maxEjectionPercent");
                  if (percent.isPresent() && percent.getAsInt() > 100) {
                    check.fail(
                        "spec.outlierDetection.maxEjectionPercent",
                        "must be at most 100, was " + percent.getAsInt());
                  }
                  return new TrafficPolicyState.OutlierDetection(
                      check.count(od.consecutive5xx(), 1, "spec.outlierDetection.consecutive5xx"),
                      check.count(
                          od.consecutiveGatewayErrors(),
                          1,
                          "spec.outlierDetection.consecutiveGatewayErrors"),
                      check.positiveDuration(od.interval(), "spec.outlierDetection.interval"),
                      check.positiveDuration(
                          od.baseEjectionTime(), "spec.outlierDetection.baseEjectionTime"),
                      percent);
                });
    Optional<TrafficPolicyState.HealthCheck> health =
        Optional.ofNullable(spec.healthCheck()).flatMap(hc -> healthCheck(hc, check));
    Optional<TrafficPolicyState.Retry> retry =
        Optional.ofNullable(spec.retry()).map(r -> retry(r, check));
    Optional<Duration> connectTimeout =
        check.positiveDuration(spec.connectTimeout(), "spec.connectTimeout");
    if (!check.valid || name == null) {
      return Optional.empty();
    }
    long generation = Metadata.generation(policy);
    TrafficPolicyState state =
        new TrafficPolicyState(
            Metadata.namespace(policy),
            name,
            generation,
            HttpRouteConverter.created(policy),
            targets,
            loadBalancer,
            breaker,
            outliers,
            health,
            retry,
            connectTimeout);
    if (state.hasClusterSettings()
        && targets.stream().anyMatch(t -> t.kind() == TrafficPolicyState.Target.Kind.HTTP_ROUTE)) {
      errors.add(
          "spec.targetRefs",
          "an HTTPRoute target takes only retry and loadBalancer.hashOn; load balancer type, circuit"
              + " breakers, outlier detection, health checks and connectTimeout need a Service target");
      return Optional.empty();
    }
    return Optional.of(state);
  }

  private static Optional<TrafficPolicyState.Target> target(
      TargetRef ref, String path, Check check) {
    String group = ref.group() == null ? "" : ref.group();
    TrafficPolicyState.Target.Kind kind;
    if (group.isEmpty() && "Service".equals(ref.kind())) {
      kind = TrafficPolicyState.Target.Kind.SERVICE;
    } else if (group.equals(HttpRouteConverter.GATEWAY_GROUP) && "HTTPRoute".equals(ref.kind())) {
      kind = TrafficPolicyState.Target.Kind.HTTP_ROUTE;
    } else {
      check.fail(
          path + ".kind",
          "must be a Service (group \"\") or an HTTPRoute (group "
              + HttpRouteConverter.GATEWAY_GROUP
              + "), was "
              + ref.kind()
              + " in group '"
              + group
              + "'");
      return Optional.empty();
    }
    if (ref.name() == null || ref.name().isBlank()) {
      check.fail(path + ".name", "required");
      return Optional.empty();
    }
    return Optional.of(
        new TrafficPolicyState.Target(
            kind, ref.name(), Optional.ofNullable(ref.sectionName()).filter(s -> !s.isBlank())));
  }

  private static Optional<TrafficPolicyState.LoadBalancer> loadBalancer(
      TrafficPolicySpec.LoadBalancer lb, Check check) {
    String type = lb.type() == null ? "RoundRobin" : lb.type();
    LbType parsed = LB_TYPES.get(type);
    if (parsed == null) {
      check.fail(
          "spec.loadBalancer.type",
          "must be one of RoundRobin, LeastRequest, RingHash, Maglev, Random, was '" + type + "'");
      return Optional.empty();
    }
    OptionalInt choiceCount = check.count(lb.choiceCount(), 2, "spec.loadBalancer.choiceCount");
    if (choiceCount.isPresent() && parsed != LbType.LEAST_REQUEST) {
      check.fail("spec.loadBalancer.choiceCount", "only applies to LeastRequest");
    }
    OptionalLong ring =
        lb.minimumRingSize() == null ? OptionalLong.empty() : OptionalLong.of(lb.minimumRingSize());
    if (ring.isPresent()
        && (parsed != LbType.RING_HASH || ring.getAsLong() < 1 || ring.getAsLong() > 8_388_608)) {
      check.fail(
          "spec.loadBalancer.minimumRingSize", "only applies to RingHash, between 1 and 8388608");
    }
    OptionalLong table =
        lb.tableSize() == null ? OptionalLong.empty() : OptionalLong.of(lb.tableSize());
    if (table.isPresent()
        && (parsed != LbType.MAGLEV
            || !isPrime(table.getAsLong())
            || table.getAsLong() > 5_000_011)) {
      check.fail(
          "spec.loadBalancer.tableSize", "only applies to Maglev, a prime number up to 5000011");
    }
    Optional<TrafficPolicyState.HashOn> hashOn = Optional.empty();
    if (lb.hashOn() != null) {
      if (parsed != LbType.RING_HASH && parsed != LbType.MAGLEV) {
        check.fail("spec.loadBalancer.hashOn", "only applies to RingHash and Maglev");
      }
      var h = lb.hashOn();
      int set =
          (h.header() != null ? 1 : 0)
              + (h.cookie() != null ? 1 : 0)
              + (Boolean.TRUE.equals(h.sourceIP()) ? 1 : 0);
      if (set != 1) {
        check.fail(
            "spec.loadBalancer.hashOn",
            "exactly one of header, cookie or sourceIP: true is required");
      } else if (h.cookie() != null && (h.cookie().name() == null || h.cookie().name().isBlank())) {
        check.fail("spec.loadBalancer.hashOn.cookie.name", "required");
      } else {
        Optional<TrafficPolicyState.Cookie> cookie =
            Optional.ofNullable(h.cookie())
                .map(
                    c ->
                        new TrafficPolicyState.Cookie(
                            c.name(),
                            check.duration(c.ttl(), "spec.loadBalancer.hashOn.cookie.ttl"),
                            Optional.ofNullable(c.path())));
        hashOn =
            Optional.of(
                new TrafficPolicyState.HashOn(
                    Optional.ofNullable(h.header()).map(String::toLowerCase),
                    cookie,
                    Boolean.TRUE.equals(h.sourceIP())));
      }
    } else if (parsed == LbType.RING_HASH || parsed == LbType.MAGLEV) {
      check.fail(
          "spec.loadBalancer.hashOn",
          "required for " + type + ": without a hash every request lands on a random host");
    }
    return Optional.of(
        new TrafficPolicyState.LoadBalancer(parsed, choiceCount, ring, table, hashOn));
  }

  private static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    for (long d = 2; d * d <= n; d++) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }

  private static Optional<TrafficPolicyState.HealthCheck> healthCheck(
      TrafficPolicySpec.HealthCheck hc, Check check) {
    String path = hc.path() == null ? "/" : hc.path();
    if (!path.startsWith("/")) {
      check.fail("spec.healthCheck.path", "must be an absolute path, was '" + path + "'");
    }
    Duration interval =
        check.duration(hc.interval(), "spec.healthCheck.interval").orElse(Duration.ofSeconds(10));
    Duration timeout =
        check.duration(hc.timeout(), "spec.healthCheck.timeout").orElse(Duration.ofSeconds(1));
    if (interval.isZero() || timeout.isZero()) {
      check.fail("spec.healthCheck", "interval and timeout must be longer than zero");
    }
    int unhealthy =
        check.count(hc.unhealthyThreshold(), 1, "spec.healthCheck.unhealthyThreshold").orElse(3);
    int healthy =
        check.count(hc.healthyThreshold(), 1, "spec.healthCheck.healthyThreshold").orElse(2);
    return Optional.of(
        new TrafficPolicyState.HealthCheck(path, interval, timeout, unhealthy, healthy));
  }

  private static TrafficPolicyState.Retry retry(TrafficPolicySpec.Retry retry, Check check) {
    List<String> on =
        retry.retryOn() == null || retry.retryOn().isEmpty()
            ? List.of(
                "connect-failure",
                "refused-stream",
                "unavailable",
                "cancelled",
                "retriable-status-codes")
            : retry.retryOn();
    for (int i = 0; i < on.size(); i++) {
      if (!RETRY_ON.contains(on.get(i))) {
        check.fail(
            "spec.retry.retryOn[" + i + "]",
            "must be one of " + new java.util.TreeSet<>(RETRY_ON) + ", was '" + on.get(i) + "'");
      }
    }
    return new TrafficPolicyState.Retry(
        on,
        check.count(retry.numRetries(), 0, "spec.retry.numRetries"),
        check.duration(retry.perTryTimeout(), "spec.retry.perTryTimeout"),
        check.positiveDuration(retry.backoffBaseInterval(), "spec.retry.backoffBaseInterval"),
        check.positiveDuration(retry.backoffMaxInterval(), "spec.retry.backoffMaxInterval"));
  }

  /** Field checks that record the first problem of each field and remember any failure. */
  private static final class Check {
    private final DocumentErrors errors;
    private boolean valid = true;

    Check(DocumentErrors errors) {
      this.errors = errors;
    }

    void fail(String path, String reason) {
      errors.add(path, reason);
      valid = false;
    }

    OptionalInt count(Integer value, int minimum, String path) {
      if (value == null) {
        return OptionalInt.empty();
      }
      if (value < minimum) {
        fail(path, "must be at least " + minimum + ", was " + value);
        return OptionalInt.empty();
      }
      return OptionalInt.of(value);
    }

    Optional<Duration> duration(String text, String path) {
      if (text == null) {
        return Optional.empty();
      }
      Optional<Duration> parsed = GatewayDurations.parse(text);
      if (parsed.isEmpty()) {
        fail(path, "must be a duration such as 5s, 250ms or 1h30m, was '" + text + "'");
      }
      return parsed;
    }

    /** A duration Envoy requires to be longer than zero (its proto says {@code gt: {}}). */
    Optional<Duration> positiveDuration(String text, String path) {
      Optional<Duration> parsed = duration(text, path);
      if (parsed.isPresent() && parsed.get().isZero()) {
        fail(path, "must be longer than zero, was '" + text + "'");
      }
      return parsed;
    }
  }
}
