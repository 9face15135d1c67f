package io.attache.controlplane.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A checked {@code TrafficPolicy}: cluster settings for the Services it targets, route settings
 * (retries, hashing) for the Services and HTTPRoutes it targets.
 */
public record TrafficPolicyState(
    String namespace,
    String name,
    long generation,
    Instant created,
    List<Target> targets,
    Optional<LoadBalancer> loadBalancer,
    Optional<CircuitBreaker> circuitBreaker,
    Optional<OutlierDetection> outlierDetection,
    Optional<HealthCheck> healthCheck,
    Optional<Retry> retry,
    Optional<Duration> connectTimeout) {

  public TrafficPolicyState {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    targets = List.copyOf(targets);
    Objects.requireNonNull(loadBalancer, "loadBalancer");
    Objects.requireNonNull(circuitBreaker, "circuitBreaker");
    Objects.requireNonNull(outlierDetection, "outlierDetection");
    Objects.requireNonNull(healthCheck, "healthCheck");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
  }

  public String key() {
    return namespace + "/" + name;
  }

  /** Whether any setting belongs on a cluster (and so needs a Service target). */
  public boolean hasClusterSettings() {
    return loadBalancer
            .map(lb -> lb.type() != LbType.ROUND_ROBIN || lb.choiceCount().isPresent())
            .orElse(false)
        || circuitBreaker.isPresent()
        || outlierDetection.isPresent()
        || healthCheck.isPresent()
        || connectTimeout.isPresent();
  }

  /** A Service (port name in {@code section}, empty for all ports) or an HTTPRoute. */
  public record Target(Kind kind, String name, Optional<String> section) {
    /** What a TrafficPolicy can target. */
    public enum Kind {
      SERVICE,
      HTTP_ROUTE
    }

    public Target {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(section, "section");
    }
  }

  /** Envoy's load balancing policies. */
  public enum LbType {
    ROUND_ROBIN,
    LEAST_REQUEST,
    RING_HASH,
    MAGLEV,
    RANDOM
  }

  /** The policy and its knobs; {@code hashOn} only with RING_HASH or MAGLEV. */
  public record LoadBalancer(
      LbType type,
      OptionalInt choiceCount,
      OptionalLong minimumRingSize,
      OptionalLong tableSize,
      Optional<HashOn> hashOn) {}

  /** What consistent hashing hashes: exactly one is set. */
  public record HashOn(Optional<String> header, Optional<Cookie> cookie, boolean sourceIp) {}

  /** A cookie to hash; Envoy generates it with this ttl when absent and ttl is set. */
  public record Cookie(String name, Optional<Duration> ttl, Optional<String> path) {}

  /** Per-cluster limits; absent values keep Envoy's defaults (1024 each, 3 retries). */
  public record CircuitBreaker(
      OptionalInt maxConnections,
      OptionalInt maxPendingRequests,
      OptionalInt maxRequests,
      OptionalInt maxRetries) {}

  /** Passive health checking. */
  public record OutlierDetection(
      OptionalInt consecutive5xx,
      OptionalInt consecutiveGatewayErrors,
      Optional<Duration> interval,
      Optional<Duration> baseEjectionTime,
      OptionalInt maxEjectionPercent) {}

  /** Active HTTP health checking. */
  public record HealthCheck(
      String path,
      Duration interval,
      Duration timeout,
      int unhealthyThreshold,
      int healthyThreshold) {}

  /** Envoy's route retry policy. */
  public record Retry(
      List<String> retryOn,
      OptionalInt numRetries,
      Optional<Duration> perTryTimeout,
      Optional<Duration> backoffBase,
      Optional<Duration> backoffMax) {
    public Retry {
      retryOn = List.copyOf(retryOn);
    }
  }
}
