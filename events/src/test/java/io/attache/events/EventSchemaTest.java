package io.attache.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The published schemas in docs/events/ accept what the encoder really writes, and only that. */
class EventSchemaTest {
  private static final Path DOCS = Path.of("..", "docs", "events");
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  static List<Event> events() {
    return SampleEvents.oneOfEach();
  }

  private static Schema schemaFor(EventType type) throws IOException {
    try (InputStream in = Files.newInputStream(DOCS.resolve(type.schemaName() + ".schema.json"))) {
      return REGISTRY.getSchema(in);
    }
  }

  private static String encode(Event event) {
    long now = Instant.now().toEpochMilli();
    return new String(
        new CloudEventEncoder("/attache/test/1").encode(event, EventIds.next(now), 5, now),
        StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @MethodSource("events")
  void serialisedEventsMatchTheirPublishedSchema(Event event) throws IOException {
    List<Error> errors = schemaFor(event.type()).validate(encode(event), InputFormat.JSON);

    assertThat(errors).isEmpty();
  }

  /** A limit of our extensions: a window no unit equals, counted in sliding windows (#25). */
  @org.junit.jupiter.api.Test
  void aDecisionOnAWindowOfAnyLengthMatchesItsSchema() throws IOException {
    RateLimitDecision event =
        new RateLimitDecision(
            "api",
            List.of(new RateLimitDecision.Entry("user", "alice")),
            "OVER_LIMIT",
            java.util.Optional.empty(),
            5,
            "UNKNOWN",
            5,
            "sliding_window",
            0,
            1,
            false,
            3,
            java.util.Optional.empty(),
            java.util.Optional.empty());
    String encoded = encode(event);

    assertThat(schemaFor(event.type()).validate(encoded, InputFormat.JSON)).isEmpty();
    assertThat(encoded).contains("\"windowSeconds\":5,\"algorithm\":\"sliding_window\"");
  }

  @org.junit.jupiter.api.Test
  void anEventWithoutSubjectOrPartitionKeyMatchesItsSchema() throws IOException {
    Event event = SampleEvents.accessWithoutRequest();

    assertThat(schemaFor(event.type()).validate(encode(event), InputFormat.JSON)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("events")
  void theSchemaRejectsAnEmptySubjectOrPartitionKey(Event event) throws IOException {
    String encoded = encode(event);
    String emptySubject = encoded.replaceFirst(stringField("subject"), "\"subject\":\"\"");
    String emptyKey = encoded.replaceFirst(stringField("partitionkey"), "\"partitionkey\":\"\"");

    assertThat(schemaFor(event.type()).validate(emptySubject, InputFormat.JSON)).isNotEmpty();
    assertThat(schemaFor(event.type()).validate(emptyKey, InputFormat.JSON)).isNotEmpty();
  }

  /** A regular expression for a JSON string field, escaped quotes in its value included. */
  private static String stringField(String name) {
    return "\"" + name + "\":\"(?:[^\"\\\\]|\\\\.)*\"";
  }

  @ParameterizedTest
  @MethodSource("events")
  void theSchemaRejectsAnEventWithoutItsRequiredDataFields(Event event) throws IOException {
    String withoutData = encode(event).replaceFirst("\"data\":\\{.*}}$", "\"data\":{}}");

    assertThat(schemaFor(event.type()).validate(withoutData, InputFormat.JSON)).isNotEmpty();
  }

  @ParameterizedTest
  @MethodSource("events")
  void theSchemaRejectsAnotherTypesEvent(Event event) throws IOException {
    EventType other = EventType.values()[(event.type().ordinal() + 1) % EventType.values().length];

    assertThat(schemaFor(other).validate(encode(event), InputFormat.JSON)).isNotEmpty();
  }
}
