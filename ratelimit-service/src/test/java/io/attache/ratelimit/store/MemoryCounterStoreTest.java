package io.attache.ratelimit.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The memory store's judged limits under contention, and their sweep. */
class MemoryCounterStoreTest {
  private static final long DAY = 86_400_000_000L;
  private static final int THREADS = 16;

  private final AtomicLong micros = new AtomicLong(1_900_000_000_000_000L);

  /**
   * Sixteen threads counting into one sliding window (issue #25): exactly its limit is admitted,
   * since each count is judged and written under the key's lock.
   */
  @Test
  void exactlyTheLimitOfASlidingWindowIsAdmittedUnderContention() throws Exception {
    try (MemoryCounterStore store = store()) {
      int admitted =
          concurrently(
              3_000,
              () ->
                  store
                          .countSliding(
                              new String[] {"k_sw"},
                              new long[] {1},
                              new long[] {1_000},
                              new long[] {DAY})
                          .toCompletableFuture()
                          .join()[0]
                      >= 0);

      assertThat(admitted).isEqualTo(1_000);
    }
  }

  /** The same for a token bucket's burst. */
  @Test
  void exactlyTheBurstOfATokenBucketIsAdmittedUnderContention() throws Exception {
    long emission = DAY / 10;
    try (MemoryCounterStore store = store()) {
      int admitted =
          concurrently(
              3_000,
              () ->
                  store
                          .takeTokens(
                              new String[] {"k_tb"},
                              new long[] {1},
                              new long[] {emission},
                              new long[] {1_000 * emission})
                          .toCompletableFuture()
                          .join()[0]
                      >= 0);

      assertThat(admitted).isEqualTo(1_000);
    }
  }

  /** A sliding window is kept while it can weigh in, until the window after it has ended. */
  @Test
  void aSlidingWindowIsSweptOnceItNoLongerWeighs() {
    long window = 10_000_000;
    long start = micros.get() - micros.get() % window;
    try (MemoryCounterStore store = store()) {
      store.countSliding(
          new String[] {"k_sw"}, new long[] {1}, new long[] {5}, new long[] {window});
      micros.set(start + 2 * window - 1);
      store.sweep();
      int keptWhileItWeighs = store.size();
      micros.set(start + 2 * window);
      store.sweep();

      assertThat(keptWhileItWeighs).isEqualTo(1);
      assertThat(store.size()).isZero();
    }
  }

  private MemoryCounterStore store() {
    return new MemoryCounterStore(1_000, () -> micros.get() / 1_000_000, micros::get);
  }

  private static int concurrently(int calls, java.util.function.BooleanSupplier call)
      throws Exception {
    AtomicInteger issued = new AtomicInteger();
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        done.add(
            pool.submit(
                () -> {
                  while (issued.getAndIncrement() < calls) {
                    if (call.getAsBoolean()) {
                      admitted.incrementAndGet();
                    }
                  }
                }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
    return admitted.get();
  }
}
