package io.attache.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code spec} of a {@link TrafficPolicy}. Durations are Gateway API durations ({@code 5s}, {@code
 * 250ms}, {@code 1h30m}). Every block is optional; an absent block leaves Envoy's default.
 *
 * @param targetRefs Services (group {@code ""}, kind {@code Service}, optional port name as {@code
 *     sectionName}) or HTTPRoutes (group {@code gateway.networking.k8s.io}; only {@code retry} and
 *     {@code loadBalancer.hashOn} apply to a route)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrafficPolicySpec(
    List<TargetRef> targetRefs,
    LoadBalancer loadBalancer,
    CircuitBreaker circuitBreaker,
    OutlierDetection outlierDetection,
    HealthCheck healthCheck,
    Retry retry,
    String connectTimeout) {

  /**
   * @param type {@code RoundRobin}, {@code LeastRequest}, {@code RingHash}, {@code Maglev} or
   *     {@code Random}
   * @param hashOn what consistent hashing ({@code RingHash}, {@code Maglev}) hashes
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LoadBalancer(
      String type, Integer choiceCount, Long minimumRingSize, Long tableSize, HashOn hashOn) {}

  /** Exactly one of a request header, a cookie, or the client's IP address. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record HashOn(String header, Cookie cookie, Boolean sourceIP) {}

  /** A cookie to hash; with a {@code ttl}, Envoy sets it when the request has none. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Cookie(String name, String ttl, String path) {}

  /** Limits per Envoy per upstream cluster (default priority). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CircuitBreaker(
      Integer maxConnections,
      Integer maxPendingRequests,
      Integer maxRequests,
      Integer maxRetries) {}

  /** Ejecting hosts that keep failing. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record OutlierDetection(
      Integer consecutive5xx,
      Integer consecutiveGatewayErrors,
      String interval,
      String baseEjectionTime,
      Integer maxEjectionPercent) {}

  /** Active HTTP health checking of every endpoint. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record HealthCheck(
      String path,
      String interval,
      String timeout,
      Integer unhealthyThreshold,
      Integer healthyThreshold) {}

  /** Envoy's retry policy: conditions ({@code 5xx}, {@code connect-failure}...), attempts. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Retry(
      List<String> retryOn,
      Integer numRetries,
      String perTryTimeout,
      String backoffBaseInterval,
      String backoffMaxInterval) {}
}
