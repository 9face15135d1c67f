package io.attache.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.events.SampleEvents;
import io.attache.events.spool.FsyncPolicy;
import io.attache.events.spool.Spool;
import io.attache.events.spool.SpoolRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step from replaying the spool back to sending straight from memory, with Kafka's own
 * MockProducer standing in for the broker so that the test decides when each send is acknowledged.
 */
class SpoolHandOverTest {
  @TempDir Path spoolDir;

  @Test
  void eventsArrivingWhileTheSpoolsTailIsInFlightWaitInMemoryAndFollowItDirect() {
    spoolFromAnEarlierRun("backlog-0", "backlog-1", "backlog-2");
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    try (KafkaEventSink sink = new KafkaEventSink(config(Duration.ofSeconds(30)), producer)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 3);

      sink.publish(SampleEvents.authz("alice", 1));
      sink.publish(SampleEvents.authz("bob", 2));
      // The tail is unacknowledged: the new events neither go to disk nor overtake it.
      await().pollDelay(Duration.ofMillis(50)).until(() -> sink.stats().queued() == 2);
      assertThat(sink.stats().spooled()).isZero();
      assertThat(producer.history()).hasSize(3);

      while (producer.completeNext()) {}
      await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 5);
      while (producer.completeNext()) {}
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> sink.stats().published() == 2 && sink.stats().replayed() == 3);

      assertThat(values(producer.history()).subList(0, 3))
          .containsExactly("backlog-0", "backlog-1", "backlog-2");
      assertThat(values(producer.history()).subList(3, 5))
          .allSatisfy(value -> assertThat(value).contains("\"requestId\":\"req-"));
      assertThat(sink.stats().spooled()).isZero();
    }
  }

  @Test
  void aTailKafkaIsSlowToAcknowledgeSendsNewEventsToTheSpoolAfterSlowAfter() {
    spoolFromAnEarlierRun("backlog-0");
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    try (KafkaEventSink sink = new KafkaEventSink(config(Duration.ofMillis(200)), producer)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);

      sink.publish(SampleEvents.authz("alice", 1));

      // Not held in memory for as long as Kafka takes: on disk once the tail is slowAfter old.
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.stats().spooled() == 1);
      assertThat(sink.stats().queued()).isZero();
      assertThat(producer.history()).hasSize(1);
    }
  }

  private void spoolFromAnEarlierRun(String... values) {
    try (Spool spool =
        Spool.open(spoolDir, 1 << 20, 1 << 20, FsyncPolicy.NEVER, Duration.ofSeconds(1))) {
      for (String value : values) {
        spool.append(
            new SpoolRecord(
                "handover.audit.authz",
                "k".getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8)));
      }
    }
  }

  private KafkaSinkConfig config(Duration slowAfter) {
    return KafkaSinkConfig.builder("unused:9092", "/attache/test/handover", spoolDir)
        .topicPrefix("handover.")
        .slowAfter(slowAfter)
        .closeTimeout(Duration.ofMillis(200))
        .build();
  }

  private static List<String> values(List<ProducerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
  }
}
