package io.attache.events;

import io.attache.events.json.JsonWriter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer for one descriptor of a {@code ShouldRateLimit} call ({@code traffic.ratelimit}).
 *
 * @param domain the rate-limit domain
 * @param entries the descriptor's entries, in request order
 * @param code {@code OK} or {@code OVER_LIMIT}, as answered (shadow mode answers OK)
 * @param limitName the limit's {@code name}, if configured
 * @param requestsPerUnit the limit
 * @param unit the limit's unit: {@code SECOND}, {@code MINUTE}, {@code HOUR}, {@code DAY}, ...;
 *     {@code UNKNOWN} for a window no unit equals (our {@code window: 5s})
 * @param windowSeconds the limit's window in seconds (a token bucket's refill period)
 * @param algorithm {@code fixed_window}, {@code sliding_window} or {@code token_bucket}
 * @param remaining what is left in the current window
 * @param hitsAddend how many hits this call counted
 * @param shadowMode whether the limit is in shadow mode (counted, never enforced)
 * @param secondsUntilReset until the current window ends
 * @param requestId the caller's request id, if it passed one
 * @param traceparent the W3C trace context of the call, when it was traced
 */
public record RateLimitDecision(
    String domain,
    List<Entry> entries,
    String code,
    Optional<String> limitName,
    long requestsPerUnit,
    String unit,
    long windowSeconds,
    String algorithm,
    long remaining,
    long hitsAddend,
    boolean shadowMode,
    long secondsUntilReset,
    Optional<String> requestId,
    Optional<String> traceparent)
    implements Event {

  /** One descriptor entry. */
  public record Entry(String key, String value) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  public RateLimitDecision {
    Objects.requireNonNull(domain, "domain");
    entries = List.copyOf(entries);
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(limitName, "limitName");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(traceparent, "traceparent");
  }

  @Override
  public EventType type() {
    return EventType.RATELIMIT_DECISION;
  }

  /** {@code domain|key=value|key=value}. */
  @Override
  public String subject() {
    StringBuilder subject = new StringBuilder(domain);
    for (Entry entry : entries) {
      subject.append('|').append(entry.key()).append('=').append(entry.value());
    }
    return subject.toString();
  }

  /** The domain and descriptor: decisions on one counter stay in order. */
  @Override
  public String partitionKey() {
    return subject();
  }

  @Override
  public void writeData(JsonWriter json) {
    json.field("domain", domain).beginArray("entries");
    for (Entry entry : entries) {
      json.beginElement().field("key", entry.key()).field("value", entry.value()).endObject();
    }
    json.endArray()
        .field("code", code)
        .field("limitName", limitName)
        .field("requestsPerUnit", requestsPerUnit)
        .field("unit", unit)
        .field("windowSeconds", windowSeconds)
        .field("algorithm", algorithm)
        .field("remaining", remaining)
        .field("hitsAddend", hitsAddend)
        .field("shadowMode", shadowMode)
        .field("secondsUntilReset", secondsUntilReset)
        .field("requestId", requestId);
  }
}
