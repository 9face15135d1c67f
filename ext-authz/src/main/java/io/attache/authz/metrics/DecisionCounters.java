package io.attache.authz.metrics;

import io.attache.authz.core.Decision;
import io.attache.authz.core.DecisionStats;
import io.attache.authz.core.ReasonCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code attache_authz_decisions_total{policy, decision, reason}}: every answered decision, in both
 * modes (gRPC and Emissary's HTTP), counted by the policy that matched ({@code none} when none
 * did), allow or deny, and the stable reason code. A counter is looked up in arrays by the reason's
 * ordinal, so counting allocates nothing once a combination has been seen; the policy label's
 * values are the configured policies' names.
 */
public final class DecisionCounters implements DecisionStats {
  static final String NAME = "attache.authz.decisions";
  private static final int REASONS = ReasonCode.values().length;

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter[]> byPolicy = new ConcurrentHashMap<>();

  public DecisionCounters(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void decided(Decision decision) {
    String policy = decision.policy().orElse("none");
    Counter[] counters = byPolicy.computeIfAbsent(policy, p -> new Counter[REASONS * 2]);
    int slot = decision.reason().ordinal() * 2 + (decision.allowed() ? 1 : 0);
    Counter counter = counters[slot];
    if (counter == null) {
      // Registering twice from two threads returns the same counter: the race is harmless.
      counter =
          Counter.builder(NAME)
              .description("authorization decisions answered, by policy, decision and reason")
              .tag("policy", policy)
              .tag("decision", decision.allowed() ? "allow" : "deny")
              .tag("reason", decision.reason().code())
              .register(registry);
      counters[slot] = counter;
    }
    counter.increment();
  }
}
