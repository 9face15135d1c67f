package io.attache.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.events.SampleEvents;
import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.testsupport.kafka.KafkaBrokerExtension;
import io.attache.testsupport.kafka.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log that holds a backlog (Kafka was unreachable) must be shipped faster than events arrive, or
 * the backlog only grows until the log is full.
 */
@ExtendWith(KafkaBrokerExtension.class)
class LogCatchUpTest {
  private static final int BACKLOG = 30_000;
  private static final int RATE = 20_000;

  @TempDir Path spoolDir;

  @Test
  void aBacklogIsShippedWhileEventsKeepArrivingUntilTheShipperHasCaughtUp(
      EmbeddedKafkaBroker broker) {
    // A process that ran with Kafka unreachable leaves a backlog in its log.
    try (KafkaEventSink down = new KafkaEventSink(config("localhost:1"))) {
      for (int i = 0; i < BACKLOG; i++) {
        down.publish(SampleEvents.authz("user-" + (i % 7), i));
      }
      assertThat(down.stats().logged()).isEqualTo(BACKLOG);
    }

    // The next one finds Kafka up, and takes RATE events/s meanwhile.
    try (KafkaEventSink sink = new KafkaEventSink(config(broker.bootstrapServers()))) {
      long start = System.nanoTime();
      long interval = TimeUnit.SECONDS.toNanos(1) / RATE;
      long deadline = start + TimeUnit.SECONDS.toNanos(30);
      int arrived = 0;
      // Until the shipper has caught up with the backlog, with events arriving all along.
      while (sink.stats().published() < BACKLOG + arrived / 2 && System.nanoTime() < deadline) {
        for (long due = start + arrived * interval; System.nanoTime() >= due; due += interval) {
          int i = BACKLOG + arrived++;
          sink.publish(SampleEvents.authz("user-" + (i % 7), i));
        }
        LockSupport.parkNanos(200_000);
      }
      assertThat(sink.stats().published())
          .as("the backlog and most new events shipped while new ones kept arriving")
          .isGreaterThanOrEqualTo(BACKLOG + arrived / 2);
      // A few more after catching up.
      for (int n = 0; n < 1_000; n++) {
        int i = BACKLOG + arrived++;
        sink.publish(SampleEvents.authz("user-" + (i % 7), i));
      }
      int total = BACKLOG + arrived;
      await().atMost(Duration.ofSeconds(60)).until(() -> sink.stats().published() == total);
      assertThat(sink.stats().dropped()).isZero();

      // The backlog and what followed it arrived once each, every key's events in order.
      KafkaOutageTest.assertExactlyOnceInOrder(
          TopicReader.read(broker, List.of("catchup.audit.authz"), total, Duration.ofSeconds(60)),
          total);
    }
  }

  private KafkaSinkConfig config(String bootstrap) {
    return KafkaSinkConfig.builder(bootstrap, "/attache/test/catch-up", spoolDir)
        .topicPrefix("catchup.")
        .closeTimeout(Duration.ofMillis(500))
        .build();
  }
}
