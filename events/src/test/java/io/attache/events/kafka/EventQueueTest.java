package io.attache.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.events.ConfigChange;
import io.attache.events.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class EventQueueTest {
  private static Event event(String name) {
    return new ConfigChange(
        "ext-authz",
        "AuthPolicy",
        Optional.of("default"),
        name,
        OptionalLong.of(1),
        ConfigChange.Outcome.APPLIED,
        "applied",
        Optional.empty());
  }

  /** What a drain handed over, in order. */
  private static final class Received implements EventQueue.Consumer {
    final List<Event> events = new ArrayList<>();
    final List<Long> times = new ArrayList<>();

    @Override
    public void accept(Event event, long epochMillis) {
      events.add(event);
      times.add(epochMillis);
    }
  }

  @Test
  void drainsInTheOrderOfferedWithEachEventsTime() {
    EventQueue queue = new EventQueue(8);
    Event a = event("a");
    Event b = event("b");
    Event c = event("c");
    queue.offer(a, 10);
    queue.offer(b, 20);
    queue.offer(c, 30);
    Received received = new Received();

    assertThat(queue.drain(received, 10)).isEqualTo(3);
    assertThat(received.events).containsExactly(a, b, c);
    assertThat(received.times).containsExactly(10L, 20L, 30L);
    assertThat(queue.size()).isZero();
  }

  @Test
  void theCapacityIsRoundedUpToAPowerOfTwoAndAFullQueueRefuses() {
    EventQueue queue = new EventQueue(5);
    Event e = event("e");

    assertThat(queue.capacity()).isEqualTo(8);
    for (int i = 0; i < 8; i++) {
      assertThat(queue.offer(e, i)).isTrue();
    }
    assertThat(queue.offer(e, 8)).isFalse();
    assertThat(queue.size()).isEqualTo(8);
  }

  @Test
  void aQueueAskedForOneSlotHasTwoAndStillRefusesWhenFull() {
    EventQueue queue = new EventQueue(1);
    Event e = event("e");
    Received received = new Received();

    assertThat(queue.capacity()).isEqualTo(2);
    assertThat(queue.offer(e, 1)).isTrue();
    assertThat(queue.offer(e, 2)).isTrue();
    assertThat(queue.offer(e, 3)).isFalse();
    assertThat(queue.drain(received, 10)).isEqualTo(2);
    assertThat(received.times).containsExactly(1L, 2L);
  }

  @Test
  void aDrainTakesAtMostMaxAndSlotsAreReusedLapAfterLap() {
    EventQueue queue = new EventQueue(4);
    Event e = event("e");
    Received received = new Received();
    long next = 0;
    for (int lap = 0; lap < 10; lap++) {
      while (queue.offer(e, next)) {
        next++;
      }
      assertThat(queue.drain(received, 3)).isEqualTo(3);
      assertThat(queue.drain(received, 100)).isEqualTo(1);
    }

    assertThat(received.times).hasSize(40);
    for (int i = 0; i < 40; i++) {
      assertThat(received.times.get(i)).isEqualTo(i);
    }
  }

  @Test
  void anImpossibleCapacityIsRefused() {
    assertThatThrownBy(() -> new EventQueue(0)).hasMessageContaining("capacity must be in");
    assertThatThrownBy(() -> new EventQueue((1 << 30) + 1))
        .hasMessageContaining("capacity must be in");
  }

  /**
   * Four threads offer while the consumer drains: every accepted event arrives exactly once, and
   * each producer's events arrive in the order it offered them.
   */
  @Test
  void concurrentProducersLoseNothingAndKeepTheirOwnOrder() throws Exception {
    int producers = 4;
    int perProducer = 200_000;
    EventQueue queue = new EventQueue(1024);
    Event e = event("e");
    CountDownLatch start = new CountDownLatch(1);
    long[] accepted = new long[producers];
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException ex) {
                  return;
                }
                for (int i = 0; i < perProducer; i++) {
                  // The time carries producer and sequence, so the consumer can check both.
                  while (!queue.offer(e, ((long) producer << 32) | i)) {
                    Thread.onSpinWait();
                  }
                  accepted[producer]++;
                }
              });
      thread.start();
      threads.add(thread);
    }
    long[] nextExpected = new long[producers];
    AtomicBoolean outOfOrder = new AtomicBoolean();
    EventQueue.Consumer check =
        (event, tagged) -> {
          int producer = (int) (tagged >>> 32);
          long sequence = tagged & 0xffffffffL;
          if (sequence != nextExpected[producer]) {
            outOfOrder.set(true);
          }
          nextExpected[producer] = sequence + 1;
        };
    start.countDown();
    long received = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (received < (long) producers * perProducer && System.nanoTime() < deadline) {
      received += queue.drain(check, 256);
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(outOfOrder).isFalse();
    assertThat(received).isEqualTo((long) producers * perProducer);
    assertThat(nextExpected).containsOnly(perProducer);
    assertThat(queue.size()).isZero();
  }
}
