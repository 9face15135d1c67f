package io.attache.authz.metrics;

import io.attache.authz.decision.Authorizer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code attache_authz_decision_cache_total{policy, result}}: lookups of remembered decisions, for
 * the policies that remember them, {@code hit} or {@code miss}. Looked up per policy, so counting
 * allocates nothing once a policy has been seen.
 */
public final class DecisionCacheCounters implements Authorizer.CacheStats {
  static final String NAME = "attache.authz.decision.cache";

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter[]> byPolicy = new ConcurrentHashMap<>();

  public DecisionCacheCounters(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void hit(String policy) {
    counters(policy)[0].increment();
  }

  @Override
  public void miss(String policy) {
    counters(policy)[1].increment();
  }

  private Counter[] counters(String policy) {
    return byPolicy.computeIfAbsent(
        policy, p -> new Counter[] {counter(p, "hit"), counter(p, "miss")});
  }

  private Counter counter(String policy, String result) {
    return Counter.builder(NAME)
        .description("lookups of remembered decisions, by policy and result")
        .tag("policy", policy)
        .tag("result", result)
        .register(registry);
  }
}
