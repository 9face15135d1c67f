package io.attache.controlplane.emissary;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Mapping's {@code retry_policy}, {@code load_balancer} and {@code circuit_breakers} as the
 * {@code attache.io} TrafficPolicy spec fields that mean the same (the CRD's {@code RetryPolicy},
 * {@code LoadBalancer} and {@code CircuitBreaker}; checked as irretrypolicy.py and irhttpmapping.py
 * {@code validate_load_balancer} check them): the retry goes on the Mapping's route, the balancer
 * and breakers on its Service's clusters.
 */
final class TrafficFields {
  private static final Set<String> RETRY_ON =
      Set.of(
          "5xx",
          "gateway-error",
          "connect-failure",
          "retriable-4xx",
          "refused-stream",
          "retriable-status-codes");
  private static final Map<String, String> POLICIES =
      Map.of(
          "round_robin", "RoundRobin",
          "least_request", "LeastRequest",
          "ring_hash", "RingHash",
          "maglev", "Maglev");
  private static final Pattern GATEWAY_DURATION = Pattern.compile("^([0-9]{1,5}(h|m|s|ms)){1,4}$");
  private static final Pattern DECIMAL_SECONDS = Pattern.compile("^[0-9]+\\.[0-9]+s$");

  private TrafficFields() {}

  /** The TrafficPolicy {@code retry} of {@code retry_policy}. */
  static Optional<Map<String, Object>> retry(SpecFields fields) {
    return fields
        .object("retry_policy")
        .flatMap(
            policy -> {
              Map<String, Object> retry = new LinkedHashMap<>();
              Object on = policy.get("retry_on");
              if (!(on instanceof String condition) || !RETRY_ON.contains(condition)) {
                fields.error(
                    "retry_policy.retry_on", "must be one of " + new java.util.TreeSet<>(RETRY_ON));
                return Optional.empty();
              }
              retry.put("retryOn", List.of(condition));
              Object count = policy.get("num_retries");
              if (count != null) {
                if (!(count instanceof Integer n) || n < 0) {
                  fields.error("retry_policy.num_retries", "must be a whole number, 0 or more");
                  return Optional.empty();
                }
                retry.put("numRetries", n);
              }
              Object timeout = policy.get("per_try_timeout");
              if (timeout != null) {
                Optional<String> duration = duration(String.valueOf(timeout));
                if (duration.isEmpty()) {
                  fields.error(
                      "retry_policy.per_try_timeout", "must be a duration such as 500ms or 1.5s");
                  return Optional.empty();
                }
                retry.put("perTryTimeout", duration.get());
              }
              return Optional.of(retry);
            });
  }

  /** The TrafficPolicy {@code loadBalancer} of {@code load_balancer}. */
  static Optional<Map<String, Object>> loadBalancer(SpecFields fields) {
    return fields
        .object("load_balancer")
        .flatMap(
            balancer -> {
              String type = POLICIES.get(String.valueOf(balancer.get("policy")));
              if (type == null) {
                fields.error(
                    "load_balancer.policy",
                    "must be round_robin, least_request, ring_hash or maglev");
                return Optional.empty();
              }
              Map<String, Object> read = new LinkedHashMap<>();
              read.put("type", type);
              boolean hashing = type.equals("RingHash") || type.equals("Maglev");
              Map<String, Object> hashOn = hashOn(balancer);
              // validate_load_balancer: hashing takes exactly one of cookie, header, source_ip
              if (hashing != (hashOn.size() == 1)
                  || hashOn.size() > 1
                  || balancer.size() != (hashing ? 2 : 1)) {
                fields.error(
                    "load_balancer",
                    hashing
                        ? "ring_hash and maglev take exactly one of cookie (with a name), header or source_ip"
                        : "round_robin and least_request take nothing besides policy");
                return Optional.empty();
              }
              if (hashing) {
                read.put("hashOn", hashOn);
              }
              return Optional.of(read);
            });
  }

  private static Map<String, Object> hashOn(Map<?, ?> balancer) {
    Map<String, Object> hashOn = new LinkedHashMap<>();
    if (balancer.get("header") instanceof String header && !header.isEmpty()) {
      hashOn.put("header", header);
    }
    if (Boolean.TRUE.equals(balancer.get("source_ip"))) {
      hashOn.put("sourceIP", true);
    }
    if (balancer.get("cookie") instanceof Map<?, ?> cookie
        && cookie.get("name") instanceof String name) {
      Map<String, Object> read = new LinkedHashMap<>();
      read.put("name", name);
      if (cookie.get("ttl") instanceof String ttl) {
        duration(ttl).ifPresent(d -> read.put("ttl", d));
      }
      if (cookie.get("path") instanceof String path) {
        read.put("path", path);
      }
      hashOn.put("cookie", read);
    }
    return hashOn;
  }

  /**
   * The TrafficPolicy {@code circuitBreaker} of {@code circuit_breakers}: one, for the default
   * priority (Envoy routes no request at high priority unless told, and TrafficPolicy has none).
   */
  static Optional<Map<String, Object>> circuitBreaker(SpecFields fields) {
    Object value = fields.has("circuit_breakers") ? fields.raw("circuit_breakers") : null;
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof List<?> list)
        || list.size() != 1
        || !(list.get(0) instanceof Map<?, ?> breaker)) {
      fields.error("circuit_breakers", "must be a list of one breaker (the default priority)");
      return Optional.empty();
    }
    if (breaker.get("priority") != null && !"default".equals(breaker.get("priority"))) {
      fields.error("circuit_breakers[0].priority", "only default is served");
      return Optional.empty();
    }
    Map<String, Object> read = new LinkedHashMap<>();
    Map<String, String> names =
        Map.of(
            "max_connections", "maxConnections",
            "max_pending_requests", "maxPendingRequests",
            "max_requests", "maxRequests",
            "max_retries", "maxRetries");
    for (var entry : new java.util.TreeMap<>(names).entrySet()) {
      Object limit = breaker.get(entry.getKey());
      if (limit == null) {
        continue;
      }
      int min = entry.getKey().equals("max_retries") ? 0 : 1;
      if (!(limit instanceof Integer n) || n < min) {
        fields.error(
            "circuit_breakers[0]." + entry.getKey(), "must be a whole number, " + min + " or more");
        return Optional.empty();
      }
      read.put(entry.getValue(), n);
    }
    return Optional.of(read);
  }

  /** A duration as Envoy takes it ({@code 1.5s}) in the Gateway API's form ({@code 1500ms}). */
  static Optional<String> duration(String text) {
    if (GATEWAY_DURATION.matcher(text).matches()) {
      return Optional.of(text);
    }
    if (DECIMAL_SECONDS.matcher(text).matches()) {
      BigDecimal millis = new BigDecimal(text.substring(0, text.length() - 1)).movePointRight(3);
      if (millis.stripTrailingZeros().scale() <= 0
          && millis.compareTo(BigDecimal.valueOf(100_000)) < 0) {
        return Optional.of(millis.intValueExact() + "ms");
      }
    }
    return Optional.empty();
  }
}
