package io.attache.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.attache.events.SampleEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the sink's threads share the CPU: in {@code SCHED_IDLE} by default, with publishes pausing
 * for a sink that has fallen half a queue behind. The scheduling class is read back from the kernel
 * ({@code /proc/self/task/<tid>/stat}); these tests need Linux and {@code chrt}.
 */
class SinkPriorityTest {
  private static final int SCHED_OTHER = 0;
  private static final int SCHED_IDLE = 5;

  @TempDir Path spoolDir;

  @Test
  void atIdlePriorityTheSinkAndKafkasNetworkThreadRunInSchedIdle() {
    assumeLinuxWithChrt();
    Set<String> before = IdlePriority.threadIds();
    try (KafkaEventSink sink = new KafkaEventSink(unreachableBroker(SinkPriority.IDLE))) {
      String sinkThread = newThreadNamed(before, "attache-event-s");
      String producerThread = newThreadNamed(before, "kafka-producer-");

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(policy(sinkThread)).isEqualTo(SCHED_IDLE);
                assertThat(policy(producerThread)).isEqualTo(SCHED_IDLE);
              });
    }
  }

  @Test
  void atNormalPriorityTheThreadsKeepTheDefaultPolicy() throws IOException {
    assumeLinuxWithChrt();
    Set<String> before = IdlePriority.threadIds();
    try (KafkaEventSink sink = new KafkaEventSink(unreachableBroker(SinkPriority.NORMAL))) {
      String sinkThread = newThreadNamed(before, "attache-event-s");
      String producerThread = newThreadNamed(before, "kafka-producer-");
      // Once an event is spooled, the sink's thread is past the point where it would lower itself.
      sink.publish(SampleEvents.authz("alice", 1));
      await().atMost(Duration.ofSeconds(20)).until(() -> sink.stats().spooled() == 1);

      assertThat(policy(sinkThread)).isEqualTo(SCHED_OTHER);
      assertThat(policy(producerThread)).isEqualTo(SCHED_OTHER);
    }
  }

  @Test
  void publishesPauseOnlyOnceAnIdleSinkIsHalfAQueueBehindAndNoEventIsLost() throws Exception {
    StalledProducer producer = new StalledProducer();
    KafkaSinkConfig config = queueOf16(SinkPriority.IDLE);
    try (KafkaEventSink sink = new KafkaEventSink(config, producer)) {
      sink.publish(SampleEvents.authz("first", 0));
      assertThat(producer.entered.await(10, TimeUnit.SECONDS)).isTrue();

      // The sink's thread holds the first event in send(); the next 11 wait in the queue. Those
      // published with 8 or more waiting (half of 16) pause: the 8th to the 11th.
      long paused = 0;
      for (int i = 1; i <= 11; i++) {
        long start = System.nanoTime();
        sink.publish(SampleEvents.authz("user" + i, i));
        if (i >= 8) {
          paused += System.nanoTime() - start;
        }
      }
      assertThat(sink.stats().throttled()).isEqualTo(4);
      assertThat(sink.stats().queued()).isEqualTo(11);
      // parkNanos may return early, rarely: allow for one short pause out of four.
      assertThat(paused).isGreaterThanOrEqualTo(3 * KafkaEventSink.BACKPRESSURE_PAUSE_NANOS);

      producer.release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.stats().published() == 12);
      assertThat(sink.stats().dropped()).isZero();
    }
  }

  @Test
  void atNormalPriorityPublishesNeverPause() throws Exception {
    StalledProducer producer = new StalledProducer();
    try (KafkaEventSink sink = new KafkaEventSink(queueOf16(SinkPriority.NORMAL), producer)) {
      sink.publish(SampleEvents.authz("first", 0));
      assertThat(producer.entered.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 1; i <= 11; i++) {
        sink.publish(SampleEvents.authz("user" + i, i));
      }
      assertThat(sink.stats().throttled()).isZero();

      producer.release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.stats().published() == 12);
    }
  }

  private KafkaSinkConfig unreachableBroker(SinkPriority priority) {
    return KafkaSinkConfig.builder("localhost:1", "/attache/test/priority", spoolDir)
        .closeTimeout(Duration.ofMillis(200))
        .priority(priority)
        .build();
  }

  private KafkaSinkConfig queueOf16(SinkPriority priority) {
    return KafkaSinkConfig.builder("unused:9092", "/attache/test/backpressure", spoolDir)
        .queueCapacity(16)
        .closeTimeout(Duration.ofMillis(200))
        .priority(priority)
        .build();
  }

  /**
   * The one thread started since {@code before} whose kernel name begins with {@code prefix}; a new
   * thread takes its name a moment after it starts.
   */
  private static String newThreadNamed(Set<String> before, String prefix) {
    Set<String> found = new HashSet<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              found.clear();
              for (String id : IdlePriority.threadIds()) {
                if (!before.contains(id) && IdlePriority.name(id).startsWith(prefix)) {
                  found.add(id);
                }
              }
              return !found.isEmpty();
            });
    assertThat(found).hasSize(1);
    return found.iterator().next();
  }

  /** Field 41 of the thread's stat, counting the fields after the name (which may hold spaces). */
  private static int policy(String threadId) throws IOException {
    String stat = Files.readString(Path.of("/proc/self/task", threadId, "stat"));
    String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(afterName[41 - 3]);
  }

  private static void assumeLinuxWithChrt() {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux's /proc");
    boolean chrt =
        Set.of("/usr/bin/chrt", "/bin/chrt").stream().anyMatch(p -> Files.isExecutable(Path.of(p)));
    assumeTrue(chrt, "needs chrt (util-linux)");
  }

  /**
   * A producer whose first send() waits until released, as a sink starved of CPU would sit on its
   * events; every send is then acknowledged at once. Kafka's MockProducer supplies the rest.
   */
  private static final class StalledProducer extends MockProducer<byte[], byte[]> {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    StalledProducer() {
      super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      callback.onCompletion(null, null);
      return CompletableFuture.completedFuture(null);
    }
  }
}
