package io.attache.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.events.SampleEvents;
import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.testsupport.kafka.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The broker goes away and comes back, or the process restarts with a log to ship: every event
 * still arrives exactly once, in order per key. Each test owns its broker, since it stops it.
 */
class KafkaOutageTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String TOPIC = "attache.audit.authz";
  private static final int KEYS = 7;

  @TempDir Path spoolDir;

  private static KafkaSinkConfig config(String bootstrap, Path spoolDir) {
    return KafkaSinkConfig.builder(bootstrap, "/attache/test/outage", spoolDir)
        .closeTimeout(Duration.ofSeconds(5))
        .producerOverrides(
            Map.of(
                "request.timeout.ms", 2000,
                "delivery.timeout.ms", 60_000,
                "reconnect.backoff.max.ms", 200,
                "retry.backoff.max.ms", 200))
        .build();
  }

  private static void publish(KafkaEventSink sink, int from, int to) {
    for (int i = from; i < to; i++) {
      sink.publish(SampleEvents.authz("user-" + (i % KEYS), i));
    }
  }

  @Test
  void everyEventArrivesExactlyOnceInOrderAcrossABrokerOutage() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startNew()) {
      KafkaEventSink sink = new KafkaEventSink(config(broker.bootstrapServers(), spoolDir));
      try (sink) {
        publish(sink, 0, 500);
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.stats().published() == 500);

        broker.stop();
        for (int i = 500; i < 1500; i += 100) {
          publish(sink, i, i + 100);
          Thread.sleep(50);
        }
        // Kafka down means the log grows.
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.stats().backlogBytes() > 0);

        broker.start();
        publish(sink, 1500, 2000);
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.stats().published() == 2000);
      }

      assertThat(sink.stats().dropped()).isZero();
      assertExactlyOnceInOrder(
          TopicReader.read(broker, List.of(TOPIC), 2000, Duration.ofSeconds(30)), 2000);
    }
  }

  @Test
  void aRestartedProcessShipsItsLogAndContinuesTheSequence() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startNew()) {
      String bootstrap = broker.bootstrapServers();
      broker.stop();

      KafkaEventSink first = new KafkaEventSink(config(bootstrap, spoolDir));
      try (first) {
        publish(first, 0, 800);
        assertThat(first.stats().logged()).isEqualTo(800);
      }
      assertThat(first.stats().published()).isZero();

      broker.start();
      KafkaEventSink second = new KafkaEventSink(config(bootstrap, spoolDir));
      try (second) {
        publish(second, 800, 1000);
        await().atMost(Duration.ofSeconds(60)).until(() -> second.stats().published() == 1000);
      }

      assertExactlyOnceInOrder(
          TopicReader.read(broker, List.of(TOPIC), 1000, Duration.ofSeconds(30)), 1000);
    }
  }

  @Test
  void eventsSentAgainAfterACrashCarryTheSameIdAndSequence(@TempDir Path copy) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startNew()) {
      KafkaEventSink first = new KafkaEventSink(config(broker.bootstrapServers(), spoolDir));
      try (first) {
        publish(first, 0, 300);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.stats().published() == 300);
        // What a crash right after Kafka's acknowledgement leaves: the log, and a checkpoint that
        // had not caught up (here, none at all).
        try (var files = java.nio.file.Files.list(spoolDir)) {
          for (Path file : (Iterable<Path>) files::iterator) {
            if (file.getFileName().toString().endsWith(".log")) {
              java.nio.file.Files.copy(file, copy.resolve(file.getFileName()));
            }
          }
        }
      }
      KafkaEventSink second = new KafkaEventSink(config(broker.bootstrapServers(), copy));
      try (second) {
        publish(second, 300, 310);
        await().atMost(Duration.ofSeconds(30)).until(() -> second.stats().published() == 310);
      }

      List<ConsumerRecord<String, String>> records =
          TopicReader.read(broker, List.of(TOPIC), 610, Duration.ofSeconds(30));
      assertThat(records).hasSize(610);
      Map<String, String> byId = new HashMap<>();
      for (ConsumerRecord<String, String> record : records) {
        String id = JSON.readTree(record.value()).get("id").asString();
        String earlier = byId.putIfAbsent(id, record.value());
        if (earlier != null) {
          assertThat(record.value()).as("a duplicate is the same event").isEqualTo(earlier);
        }
      }
      assertThat(byId).hasSize(310);
      assertExactlyOnceInOrder(dedupe(records), 310);
    }
  }

  private static List<ConsumerRecord<String, String>> dedupe(
      List<ConsumerRecord<String, String>> records) {
    Map<String, ConsumerRecord<String, String>> first = new java.util.LinkedHashMap<>();
    for (ConsumerRecord<String, String> record : records) {
      first.putIfAbsent(JSON.readTree(record.value()).get("id").asString(), record);
    }
    return new ArrayList<>(first.values());
  }

  /**
   * Count, uniqueness, the unbroken sequence 1..n, and per-key order of both sequence and payload,
   * for events published as {@code SampleEvents.authz("user-" + (i % 7), i)}.
   */
  static void assertExactlyOnceInOrder(List<ConsumerRecord<String, String>> records, int expected) {
    assertThat(records).hasSize(expected);
    Map<String, List<Long>> sequencesByKey = new HashMap<>();
    Map<String, List<Integer>> payloadOrderByKey = new HashMap<>();
    List<Long> all = new ArrayList<>();
    for (ConsumerRecord<String, String> record : records) {
      JsonNode event = JSON.readTree(record.value());
      long sequence = Long.parseLong(event.get("sequence").asString());
      int n = Integer.parseInt(event.get("data").get("requestId").asString().substring(4));
      all.add(sequence);
      sequencesByKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(sequence);
      payloadOrderByKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(n);
    }
    assertThat(all).doesNotHaveDuplicates();
    assertThat(all.stream().mapToLong(Long::longValue).min().getAsLong()).isEqualTo(1);
    assertThat(all.stream().mapToLong(Long::longValue).max().getAsLong()).isEqualTo(expected);
    assertThat(sequencesByKey).hasSize(KEYS);
    sequencesByKey.values().forEach(sequences -> assertThat(sequences).isSorted());
    payloadOrderByKey.values().forEach(order -> assertThat(order).isSorted());
  }
}
