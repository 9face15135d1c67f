package io.attache.authz.core;

/**
 * Counts decisions for metrics. The core calls it with each decision it returns; an adapter
 * implements it (with Micrometer), so the core stays free of metrics libraries.
 */
@FunctionalInterface
public interface DecisionStats {
  DecisionStats NONE = decision -> {};

  /** Called once per answered decision, on the request's thread: must not block. */
  void decided(Decision decision);
}
