package io.attache.events;

import io.attache.events.json.JsonWriter;

/**
 * Something a service decided or observed, reported to Kafka. Implementations are immutable records
 * built on the request path and serialised later, off it.
 *
 * <p>An event must never carry a secret: no token, no API key (a keyed hash identifies a key), no
 * Authorization header.
 */
public sealed interface Event permits AuthzDecision, ConfigChange, RateLimitDecision, AccessLog {

  EventType type();

  /**
   * The CloudEvents {@code subject}: what the event is about, e.g. the request path or resource.
   */
  String subject();

  /**
   * The Kafka record key. Events with the same key land on the same partition, so their order is
   * kept: the principal for audit events, the resource for config changes, the descriptor or route
   * for traffic events.
   */
  String partitionKey();

  /**
   * The W3C {@code traceparent} of the traced request this event records: the CloudEvents
   * distributed-tracing extension, linking the audit record to its trace.
   */
  default java.util.Optional<String> traceparent() {
    return java.util.Optional.empty();
  }

  /** Writes the fields of the CloudEvents {@code data} object. */
  void writeData(JsonWriter json);
}
