package io.attache.events;

import io.attache.events.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Writes an event as a CloudEvents 1.0 structured-mode JSON document ({@code
 * application/cloudevents+json}). The {@code sequence} extension is a 20-digit zero-padded decimal,
 * so it orders the same lexicographically and numerically, as the extension requires; {@code
 * partitionkey} repeats the Kafka record key, as the Kafka protocol binding describes. An empty
 * {@code subject} or {@code partitionkey} is left out: CloudEvents allows neither attribute to be
 * an empty string (an access log entry with no authority, path or route has neither).
 *
 * <p>Not thread-safe: it reuses one buffer; each writing thread owns its encoder.
 */
public final class CloudEventEncoder {
  /** The {@code content-type} header of a structured-mode record. */
  public static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

  private static final int SEQUENCE_DIGITS = 20;

  private final String source;
  private final JsonWriter json = new JsonWriter(1024);
  private final Map<EventType, byte[]> envelopes;
  // Events come many to a millisecond: the time is formatted once per millisecond, not per event.
  private long timeMillis = Long.MIN_VALUE;
  private byte[] time;
  private int sequenceOffset;

  /**
   * @param source the CloudEvents {@code source}, e.g. {@code /attache/ext-authz/pod-7f9c}
   */
  public CloudEventEncoder(String source) {
    this.source = source;
    this.envelopes = envelopes(source);
  }

  public String source() {
    return source;
  }

  /** The event as one JSON document, numbered {@code sequence}. */
  public byte[] encode(Event event, String id, long sequence, long epochMillis) {
    encodeUnnumbered(event, id, epochMillis);
    byte[] bytes = json.toByteArray();
    String digits = formatSequence(sequence);
    for (int i = 0; i < SEQUENCE_DIGITS; i++) {
      bytes[sequenceOffset + i] = (byte) digits.charAt(i);
    }
    return bytes;
  }

  /**
   * Writes the event into this encoder's buffer ({@link #buffer()}, {@link #length()}) with its
   * {@code sequence} as twenty zeros at {@link #sequenceOffset()}: the event log numbers it when it
   * takes its place in the log, by overwriting those digits.
   */
  public void encodeUnnumbered(Event event, String id, long epochMillis) {
    json.reset().beginObject().raw(envelopes.get(event.type())).field("id", id);
    finish(event, epochMillis);
  }

  /**
   * As {@link #encodeUnnumbered(Event, String, long)}, with a new UUIDv7 {@code id} ({@link
   * EventIds}) written straight into the buffer.
   */
  public void encodeUnnumbered(Event event, long epochMillis) {
    json.reset()
        .beginObject()
        .raw(envelopes.get(event.type()))
        .uuid("id", EventIds.mostSignificantBits(epochMillis), EventIds.leastSignificantBits());
    finish(event, epochMillis);
  }

  private void finish(Event event, long epochMillis) {
    json.field("subject", nonEmpty(event.subject()));
    if (event.traceparent().isPresent()) {
      json.field("traceparent", event.traceparent().get());
    }
    json.rawField("time", time(epochMillis)).paddedNumber("sequence", 0, SEQUENCE_DIGITS);
    sequenceOffset = json.size() - SEQUENCE_DIGITS - 1;
    json.field("partitionkey", nonEmpty(event.partitionKey())).beginObject("data");
    event.writeData(json);
    json.endObject().endObject();
  }

  /**
   * The attributes that are the same for every event of a type from this source, encoded once:
   * {@code specversion}, {@code source}, {@code type}, {@code datacontenttype}.
   */
  private static Map<EventType, byte[]> envelopes(String source) {
    Map<EventType, byte[]> envelopes = new EnumMap<>(EventType.class);
    for (EventType type : EventType.values()) {
      JsonWriter fields =
          new JsonWriter(256)
              .field("specversion", "1.0")
              .field("source", source)
              .field("type", type.cloudEventType())
              .field("datacontenttype", "application/json");
      envelopes.put(type, fields.toByteArray());
    }
    return envelopes;
  }

  /** The last {@link #encodeUnnumbered} output; valid until the next encode. */
  public byte[] buffer() {
    return json.buffer();
  }

  public int length() {
    return json.size();
  }

  /** Where the twenty digits of the {@code sequence} start in {@link #buffer()}. */
  public int sequenceOffset() {
    return sequenceOffset;
  }

  private static Optional<String> nonEmpty(String value) {
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  private byte[] time(long epochMillis) {
    if (epochMillis != timeMillis) {
      String formatted = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis));
      time = ("\"" + formatted + "\"").getBytes(StandardCharsets.US_ASCII);
      timeMillis = epochMillis;
    }
    return time;
  }

  /** The {@code sequence} attribute for a number: zero-padded to 20 digits. */
  public static String formatSequence(long sequence) {
    String digits = Long.toString(sequence);
    return "0".repeat(SEQUENCE_DIGITS - digits.length()) + digits;
  }
}
