package io.attache.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
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
    @Required @Size(min = 1) List<TargetRef> targetRefs,
    LoadBalancer loadBalancer,
    CircuitBreaker circuitBreaker,
    OutlierDetection outlierDetection,
    HealthCheck healthCheck,
    Retry retry,
    @Pattern(DURATION) String connectTimeout) {
  /** Gateway API durations (GEP-2257). */
  static final String DURATION = "^([0-9]{1,5}(h|m|s|ms)){1,4}$";

  /**
   * @param type {@code RoundRobin}, {@code LeastRequest}, {@code RingHash}, {@code Maglev} or
   *     {@code Random}
   * @param hashOn what consistent hashing ({@code RingHash}, {@code Maglev}) hashes
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.hashOn) == (has(self.type) && self.type in ['RingHash', 'Maglev'])",
      message = "hashOn is required with RingHash and Maglev, and only applies to them")
  @ValidationRule(
      value = "!has(self.choiceCount) || (has(self.type) && self.type == 'LeastRequest')",
      message = "choiceCount only applies to LeastRequest")
  public record LoadBalancer(
      @Pattern("^(RoundRobin|LeastRequest|RingHash|Maglev|Random)$") String type,
      @Min(2) Integer choiceCount,
      @Min(1) @Max(8388608) Long minimumRingSize,
      @Min(2) @Max(5000011) Long tableSize,
      HashOn hashOn) {}

  /** Exactly one of a request header, a cookie, or the client's IP address. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "(has(self.header) ? 1 : 0) + (has(self.cookie) ? 1 : 0)"
              + " + (has(self.sourceIP) && self.sourceIP ? 1 : 0) == 1",
      message = "exactly one of header, cookie or sourceIP: true")
  public record HashOn(String header, Cookie cookie, Boolean sourceIP) {}

  /** A cookie to hash; with a {@code ttl}, Envoy sets it when the request has none. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Cookie(@Required String name, @Pattern(DURATION) String ttl, String path) {}

  /** Limits per Envoy per upstream cluster (default priority). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CircuitBreaker(
      @Min(1) Integer maxConnections,
      @Min(1) Integer maxPendingRequests,
      @Min(1) Integer maxRequests,
      @Min(0) Integer maxRetries) {}

  /** Ejecting hosts that keep failing. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record OutlierDetection(
      @Min(1) Integer consecutive5xx,
      @Min(1) Integer consecutiveGatewayErrors,
      @Pattern(DURATION) String interval,
      @Pattern(DURATION) String baseEjectionTime,
      @Min(0) @Max(100) Integer maxEjectionPercent) {}

  /** Active HTTP health checking of every endpoint. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record HealthCheck(
      @Pattern("^/.*") String path,
      @Pattern(DURATION) String interval,
      @Pattern(DURATION) String timeout,
      @Min(1) Integer unhealthyThreshold,
      @Min(1) Integer healthyThreshold) {}

  /** Envoy's retry policy: conditions ({@code 5xx}, {@code connect-failure}...), attempts. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Retry(
      List<String> retryOn,
      @Min(0) Integer numRetries,
      @Pattern(DURATION) String perTryTimeout,
      @Pattern(DURATION) String backoffBaseInterval,
      @Pattern(DURATION) String backoffMaxInterval) {}
}
