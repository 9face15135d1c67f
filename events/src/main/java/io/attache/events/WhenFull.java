package io.attache.events;

/**
 * What a service does with a decision whose event cannot be recorded (the event log is full, or the
 * event cannot be written): {@code ATTACHE_EVENTS_WHEN_FULL}.
 */
public enum WhenFull {
  /** Answer as decided; the event is lost, counted and logged loudly (the default). */
  DROP,
  /**
   * No decision without a record: ext-authz denies with reason {@code audit_unavailable},
   * ratelimit-service applies its failure mode.
   */
  REJECT
}
