package io.attache.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CloudEventEncoderTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final CloudEventEncoder encoder = new CloudEventEncoder("/attache/ext-authz/pod-1");

  private JsonNode encode(Event event, long sequence) {
    long millis = Instant.parse("2026-11-26T15:22:25.123Z").toEpochMilli();
    byte[] bytes = encoder.encode(event, EventIds.next(millis), sequence, millis);
    return JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
  }

  @Test
  void envelopeCarriesTheCloudEventsAttributes() {
    JsonNode event = encode(SampleEvents.authz("alice", 7), 42);

    assertThat(event.get("specversion").asString()).isEqualTo("1.0");
    assertThat(event.get("source").asString()).isEqualTo("/attache/ext-authz/pod-1");
    assertThat(event.get("type").asString()).isEqualTo("io.attache.authz.decision.v1");
    assertThat(event.get("subject").asString()).isEqualTo("/v1/payments/7");
    assertThat(event.get("time").asString()).isEqualTo("2026-11-26T15:22:25.123Z");
    assertThat(event.get("datacontenttype").asString()).isEqualTo("application/json");
    assertThat(event.get("sequence").asString()).isEqualTo("00000000000000000042");
    assertThat(event.get("partitionkey").asString()).isEqualTo("alice");
  }

  /**
   * The CloudEvents distributed-tracing extension (cloudevents/spec,
   * extensions/distributed-tracing.md): a {@code traceparent} attribute in W3C form, present only
   * for a traced request.
   */
  @Test
  void aTracedRequestsEventCarriesItsTraceparentAndAnUntracedOneNone() {
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    assertThat(
            encode(SampleEvents.authzTraced("alice", 7, traceparent), 1)
                .get("traceparent")
                .asString())
        .isEqualTo(traceparent);
    assertThat(encode(SampleEvents.authz("alice", 7), 1).has("traceparent")).isFalse();
  }

  @Test
  void dataHoldsEveryFieldOfTheRecord() {
    JsonNode data = encode(SampleEvents.authz("alice", 7), 1).get("data");

    assertThat(data.get("decision").asString()).isEqualTo("DENY");
    assertThat(data.get("reason").asString()).isEqualTo("rule_denied");
    assertThat(data.get("httpStatus").asInt()).isEqualTo(403);
    assertThat(data.get("policy").asString()).isEqualTo("payments/api-keys");
    assertThat(data.get("keyFingerprint").asString()).isEqualTo("k1_3hXc9aQvP2");
    assertThat(data.get("sourceAddress").asString()).isEqualTo("10.1.2.3:51234");
    assertThat(data.get("latencyMicros").asLong()).isEqualTo(412);
  }

  @Test
  void absentOptionalFieldsAreLeftOutNotNull() {
    AuthzDecision anonymous =
        new AuthzDecision(
            Decision.DENY,
            "missing_credentials",
            401,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            "GET",
            "h",
            "/",
            "10.0.0.1:1",
            Optional.empty(),
            3,
            Optional.empty());

    JsonNode event = encode(anonymous, 1);

    assertThat(event.get("data").has("principal")).isFalse();
    assertThat(event.get("data").has("requestId")).isFalse();
    assertThat(event.get("partitionkey").asString()).isEqualTo("anonymous@10.0.0.1:1");
  }

  @Test
  void anEmptySubjectOrPartitionKeyIsLeftOutAsCloudEventsRequires() {
    JsonNode event = encode(SampleEvents.accessWithoutRequest(), 1);

    assertThat(event.has("subject")).as("subject").isFalse();
    assertThat(event.has("partitionkey")).as("partitionkey").isFalse();
  }

  @Test
  void stringsAreEscaped() {
    JsonNode data = encode(SampleEvents.ratelimit(), 1).get("data");

    assertThat(data.get("entries").get(1).get("value").asString()).isEqualTo("alice \"the\" admin");
    ConfigChange tricky =
        new ConfigChange(
            "ext-authz",
            "File",
            Optional.empty(),
            "C:\\policies\\a.yaml",
            java.util.OptionalLong.empty(),
            ConfigChange.Outcome.REJECTED,
            "line 1\nline 2\t\u0001 \u2028 é",
            Optional.empty());
    assertThat(encode(tricky, 1).get("data").get("message").asString())
        .isEqualTo("line 1\nline 2\t\u0001 \u2028 é");
    assertThat(encode(tricky, 1).get("data").get("name").asString())
        .isEqualTo("C:\\policies\\a.yaml");
  }

  @Test
  void sequenceSortsTheSameAsTextAndAsNumber() {
    List<String> sequences =
        List.of(
            CloudEventEncoder.formatSequence(9),
            CloudEventEncoder.formatSequence(10),
            CloudEventEncoder.formatSequence(Long.MAX_VALUE));

    assertThat(sequences).isSorted().allMatch(s -> s.length() == 20);
  }

  @Test
  void idsAreVersion7UuidsAndDistinct() {
    String first = EventIds.next(1_000);
    String second = EventIds.next(1_000);

    assertThat(first).isNotEqualTo(second);
    assertThat(java.util.UUID.fromString(first).version()).isEqualTo(7);
  }
}
