package io.attache.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.events.CloudEventEncoder;
import io.attache.events.ConfigChange;
import io.attache.events.Event;
import io.attache.events.EventType;
import io.attache.events.SampleEvents;
import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.testsupport.kafka.KafkaBrokerExtension;
import io.attache.testsupport.kafka.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaEventSinkTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path spoolDir;

  @Test
  void publishedEventsAreReadBackFieldByField(EmbeddedKafkaBroker broker) {
    KafkaSinkConfig config =
        KafkaSinkConfig.builder(broker.bootstrapServers(), "/attache/test/roundtrip", spoolDir)
            .topicPrefix("roundtrip.")
            .build();
    List<Event> sent = SampleEvents.oneOfEach();

    try (KafkaEventSink sink = new KafkaEventSink(config)) {
      sent.forEach(sink::publish);
      await().atMost(Duration.ofSeconds(30)).until(() -> sink.stats().published() == sent.size());
    }

    List<ConsumerRecord<String, String>> records =
        TopicReader.read(
            broker,
            List.of(
                "roundtrip.audit.authz",
                "roundtrip.audit.config",
                "roundtrip.traffic.ratelimit",
                "roundtrip.traffic.access"),
            sent.size(),
            Duration.ofSeconds(30));
    Map<String, ConsumerRecord<String, String>> byTopic =
        records.stream().collect(Collectors.toMap(ConsumerRecord::topic, Function.identity()));
    assertThat(byTopic).hasSize(4);

    for (Event event : sent) {
      ConsumerRecord<String, String> record =
          byTopic.get("roundtrip." + event.type().topicSuffix());
      assertThat(record.key()).isEqualTo(event.partitionKey());
      assertThat(
              new String(
                  record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
          .isEqualTo(CloudEventEncoder.CONTENT_TYPE);
      JsonNode envelope = JSON.readTree(record.value());
      assertThat(envelope.get("type").asString()).isEqualTo(event.type().cloudEventType());
      assertThat(envelope.get("source").asString()).isEqualTo("/attache/test/roundtrip");
      assertThat(envelope.get("subject").asString()).isEqualTo(event.subject());
      assertThat(envelope.get("sequence").asString()).isEqualTo("00000000000000000001");
      assertThat(envelope.get("partitionkey").asString()).isEqualTo(event.partitionKey());
    }

    JsonNode authz = JSON.readTree(byTopic.get("roundtrip.audit.authz").value()).get("data");
    var expected = SampleEvents.authz("alice", 1);
    assertThat(authz.get("decision").asString()).isEqualTo(expected.decision().name());
    assertThat(authz.get("reason").asString()).isEqualTo(expected.reason());
    assertThat(authz.get("httpStatus").asInt()).isEqualTo(expected.httpStatus());
    assertThat(authz.get("policy").asString()).isEqualTo(expected.policy().get());
    assertThat(authz.get("rule").asString()).isEqualTo(expected.rule().get());
    assertThat(authz.get("principal").asString()).isEqualTo(expected.principal().get());
    assertThat(authz.get("identityMethod").asString()).isEqualTo(expected.identityMethod().get());
    assertThat(authz.get("keyFingerprint").asString()).isEqualTo(expected.keyFingerprint().get());
    assertThat(authz.get("method").asString()).isEqualTo(expected.method());
    assertThat(authz.get("host").asString()).isEqualTo(expected.host());
    assertThat(authz.get("path").asString()).isEqualTo(expected.path());
    assertThat(authz.get("sourceAddress").asString()).isEqualTo(expected.sourceAddress());
    assertThat(authz.get("requestId").asString()).isEqualTo(expected.requestId().get());
    assertThat(authz.get("latencyMicros").asLong()).isEqualTo(expected.latencyMicros());

    JsonNode ratelimit =
        JSON.readTree(byTopic.get("roundtrip.traffic.ratelimit").value()).get("data");
    var limit = SampleEvents.ratelimit();
    assertThat(ratelimit.get("domain").asString()).isEqualTo(limit.domain());
    assertThat(ratelimit.get("entries").get(1).get("key").asString()).isEqualTo("user");
    assertThat(ratelimit.get("entries").get(1).get("value").asString())
        .isEqualTo(limit.entries().get(1).value());
    assertThat(ratelimit.get("code").asString()).isEqualTo("OVER_LIMIT");
    assertThat(ratelimit.get("requestsPerUnit").asLong()).isEqualTo(10);
    assertThat(ratelimit.get("unit").asString()).isEqualTo("MINUTE");
    assertThat(ratelimit.get("remaining").asLong()).isZero();
    assertThat(ratelimit.get("secondsUntilReset").asLong()).isEqualTo(42);
  }

  @Test
  void anEventWithoutPartitionKeyIsARecordWithoutKey(EmbeddedKafkaBroker broker) {
    KafkaSinkConfig config =
        KafkaSinkConfig.builder(broker.bootstrapServers(), "/attache/test/nokey", spoolDir)
            .topicPrefix("nokey.")
            .build();
    try (KafkaEventSink sink = new KafkaEventSink(config)) {
      sink.publish(SampleEvents.accessWithoutRequest());
      await().atMost(Duration.ofSeconds(30)).until(() -> sink.stats().published() == 1);
    }

    ConsumerRecord<String, String> record =
        TopicReader.read(broker, List.of("nokey.traffic.access"), 1, Duration.ofSeconds(30)).get(0);
    assertThat(record.key()).isNull();
    assertThat(JSON.readTree(record.value()).has("partitionkey")).isFalse();
  }

  @Test
  void publishNeverBlocksOrThrowsEvenWithNoBrokerAtAll(@TempDir Path dir) {
    KafkaSinkConfig config =
        KafkaSinkConfig.builder("localhost:1", "/attache/test/nobroker", dir)
            .closeTimeout(Duration.ofMillis(200))
            .build();
    try (KafkaEventSink sink = new KafkaEventSink(config)) {
      long start = System.nanoTime();
      for (int i = 0; i < 10_000; i++) {
        sink.publish(SampleEvents.authz("u" + (i % 7), i));
      }
      long micros = (System.nanoTime() - start) / 1000;

      assertThat(micros).as("10k publishes took %d µs", micros).isLessThan(2_000_000);
      assertThat(sink.stats().logged()).isEqualTo(10_000);
      assertThat(sink.stats().backlogBytes()).isPositive();
      assertThat(sink.stats().dropped()).isZero();
      assertThat(sink.stats().published()).isZero();
    }
  }

  @Test
  void anEventKafkaRejectsForGoodIsDroppedAndCountedWithoutHoldingBackOthers(
      EmbeddedKafkaBroker broker, @TempDir Path dir) {
    KafkaSinkConfig config =
        KafkaSinkConfig.builder(broker.bootstrapServers(), "/attache/test/toolarge", dir)
            .topicPrefix("toolarge.")
            .producerOverrides(Map.of("max.request.size", 4096))
            .build();
    ConfigChange huge =
        new ConfigChange(
            "control-plane",
            "TrafficPolicy",
            Optional.of("ns"),
            "big",
            OptionalLong.of(1),
            ConfigChange.Outcome.REJECTED,
            "x".repeat(20_000),
            Optional.empty());
    try (KafkaEventSink sink = new KafkaEventSink(config)) {
      sink.publish(huge);
      sink.publish(SampleEvents.config());

      await().atMost(Duration.ofSeconds(30)).until(() -> sink.stats().published() == 1);
      assertThat(sink.stats().dropped()).isEqualTo(1);
    }
  }

  @Test
  void eventTypesGoToTheirDocumentedTopics() {
    assertThat(EventType.AUTHZ_DECISION.topicSuffix()).isEqualTo("audit.authz");
    assertThat(EventType.CONFIG_CHANGE.topicSuffix()).isEqualTo("audit.config");
    assertThat(EventType.RATELIMIT_DECISION.topicSuffix()).isEqualTo("traffic.ratelimit");
    assertThat(EventType.ACCESS_LOG.topicSuffix()).isEqualTo("traffic.access");
  }
}
