package io.attache.runtime;

import io.attache.events.ConfigChange;
import io.attache.events.Event;
import io.attache.events.EventSink;
import io.attache.events.EventSinkStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Counts the configuration changes a service reports ({@code audit.config} events) by kind and
 * outcome, as {@code attache_config_changes_total{kind,outcome}}, so an alert can fire when any
 * configuration is rejected (a policy file, an AuthPolicy, a Gateway API object, a rate-limit
 * file): every source already reports its changes as events, so counting them here needs no change
 * in any source. Changes reported before the metrics registry exists (the first load happens before
 * the ports open) are kept and counted when it is bound.
 */
final class ConfigChangeCounting implements EventSink {
  private final EventSink delegate;
  private final Map<List<String>, Long> beforeBinding = new HashMap<>(); // guarded by this
  private MeterRegistry registry; // guarded by this

  ConfigChangeCounting(EventSink delegate) {
    this.delegate = delegate;
  }

  EventSink delegate() {
    return delegate;
  }

  @Override
  public boolean publish(Event event) {
    if (event instanceof ConfigChange change) {
      count(List.of(change.kind(), change.outcome().name().toLowerCase(Locale.ROOT)), 1);
    }
    return delegate.publish(event);
  }

  /** Registers the counts so far and counts on {@code target} from now on. */
  synchronized void bind(MeterRegistry target) {
    registry = target;
    beforeBinding.forEach((key, count) -> count(key, count));
    beforeBinding.clear();
  }

  /** Configuration changes are rare: one lock keeps binding and counting simple. */
  private synchronized void count(List<String> kindAndOutcome, long amount) {
    if (registry == null) {
      beforeBinding.merge(kindAndOutcome, amount, Long::sum);
      return;
    }
    Counter.builder("attache.config.changes")
        .description("configuration changes applied or rejected, by resource kind")
        .tag("kind", kindAndOutcome.get(0))
        .tag("outcome", kindAndOutcome.get(1))
        .register(registry)
        .increment(amount);
  }

  @Override
  public EventSinkStats stats() {
    return delegate.stats();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
