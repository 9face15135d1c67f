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
 * A sink that has spooled a backlog must drain it faster than events arrive, or it never gets back
 * to sending straight from memory and the spool only grows until it is full.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SpoolCatchUpTest {
  private static final int BACKLOG = 30_000;
  private static final int RATE = 20_000;

  @TempDir Path spoolDir;

  @Test
  void aSpooledBacklogIsReplayedWhileEventsKeepArrivingAndSendingGoesDirectAgain(
      EmbeddedKafkaBroker broker) {
    // A process that ran with Kafka unreachable leaves a backlog in its spool.
    try (KafkaEventSink down = new KafkaEventSink(config("localhost:1"))) {
      for (int i = 0; i < BACKLOG; i++) {
        down.publish(SampleEvents.authz("user-" + (i % 7), i));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> down.stats().spooled() == BACKLOG);
    }

    // The next one finds Kafka up, and takes RATE events/s meanwhile: above what a replay of 512
    // records per round drained here (12–15k/s, held back by the producer's 20 ms linger), which
    // never went direct again.
    try (KafkaEventSink sink = new KafkaEventSink(config(broker.bootstrapServers()))) {
      long start = System.nanoTime();
      long interval = TimeUnit.SECONDS.toNanos(1) / RATE;
      long deadline = start + TimeUnit.SECONDS.toNanos(30);
      int arrived = 0;
      // Until the sink sends straight from memory again, with events arriving all along.
      while (sink.stats().published() == 0 && System.nanoTime() < deadline) {
        for (long due = start + arrived * interval; System.nanoTime() >= due; due += interval) {
          int i = BACKLOG + arrived++;
          sink.publish(SampleEvents.authz("user-" + (i % 7), i));
        }
        LockSupport.parkNanos(200_000);
      }
      assertThat(sink.stats().published())
          .as("events sent straight from memory again while new ones kept arriving")
          .isPositive();
      // A few more after the hand-over, so that direct sends follow the replayed tail.
      for (int n = 0; n < 1_000; n++) {
        int i = BACKLOG + arrived++;
        sink.publish(SampleEvents.authz("user-" + (i % 7), i));
      }
      int total = BACKLOG + arrived;
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> sink.stats().published() + sink.stats().replayed() == total);
      assertThat(sink.stats().dropped()).isZero();

      // Handing over from the spool to direct sending kept every key's events in order.
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
