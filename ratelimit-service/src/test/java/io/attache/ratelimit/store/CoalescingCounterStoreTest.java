package io.attache.ratelimit.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.ratelimit.core.CounterStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoalescingCounterStoreTest {

  /** Counts the calls that reach the real store. */
  private static final class Counting implements CounterStore {
    final MemoryCounterStore memory = new MemoryCounterStore(1000, () -> 1_000L);
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public CompletionStage<long[]> increment(String[] keys, long[] hits, long[] ttlSeconds) {
      calls.incrementAndGet();
      return memory.increment(keys, hits, ttlSeconds);
    }

    @Override
    public CompletionStage<long[]> takeTokens(
        String[] keys, long[] hits, long[] emissionMicros, long[] capacityMicros) {
      calls.incrementAndGet();
      return memory.takeTokens(keys, hits, emissionMicros, capacityMicros);
    }

    @Override
    public CompletionStage<long[]> countSliding(
        String[] keys, long[] hits, long[] limits, long[] windowMicros) {
      calls.incrementAndGet();
      return memory.countSliding(keys, hits, limits, windowMicros);
    }

    @Override
    public CompletionStage<long[]> get(String[] keys) {
      return memory.get(keys);
    }

    @Override
    public void close() {
      memory.close();
    }
  }

  @Test
  void concurrentIncrementsBecomeFewerCallsAndEachGetsADistinctCount() throws Exception {
    Counting delegate = new Counting();
    try (CoalescingCounterStore store =
        new CoalescingCounterStore(delegate, Duration.ofMillis(20))) {
      int requests = 200;
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<long[]>> results = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        Thread thread =
            new Thread(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  for (int i = 0; i < requests / 8; i++) {
                    CompletableFuture<long[]> result =
                        store
                            .increment(
                                new String[] {"hot", "other"},
                                new long[] {1, 2},
                                new long[] {60, 60})
                            .toCompletableFuture();
                    synchronized (results) {
                      results.add(result);
                    }
                  }
                });
        threads.add(thread);
        thread.start();
      }
      go.countDown();
      for (Thread thread : threads) {
        thread.join();
      }

      List<Long> hot = new ArrayList<>();
      List<Long> other = new ArrayList<>();
      for (CompletableFuture<long[]> result : results) {
        long[] values = result.join();
        hot.add(values[0]);
        other.add(values[1]);
      }
      assertThat(hot)
          .hasSize(requests)
          .doesNotHaveDuplicates()
          .allMatch(v -> v >= 1 && v <= requests);
      assertThat(other).doesNotHaveDuplicates().allMatch(v -> v % 2 == 0 && v <= 2L * requests);
      assertThat(delegate.calls.get()).isLessThan(requests / 2);
    }
  }
}
