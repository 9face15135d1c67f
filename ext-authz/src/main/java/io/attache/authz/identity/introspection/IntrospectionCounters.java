package io.attache.authz.identity.introspection;

import java.util.concurrent.atomic.LongAdder;

/**
 * What token introspection did, summed over every policy that uses it; the app exports these as
 * {@code attache_authz_introspection_total{outcome}}.
 */
public final class IntrospectionCounters {
  final LongAdder active = new LongAdder();
  final LongAdder inactive = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder refusedWhileFailing = new LongAdder();
  final LongAdder remembered = new LongAdder();

  /** Calls the endpoint answered {@code active: true}. */
  public long active() {
    return active.sum();
  }

  /** Calls it answered {@code active: false} (or with an {@code exp} already past). */
  public long inactive() {
    return inactive.sum();
  }

  /** Calls that failed: unreachable, timed out, not a 200, not an introspection answer. */
  public long failed() {
    return failed.sum();
  }

  /** Checks denied without a call because the endpoint had just failed. */
  public long refusedWhileFailing() {
    return refusedWhileFailing.sum();
  }

  /** Checks answered from a remembered answer. */
  public long remembered() {
    return remembered.sum();
  }
}
