package io.attache.ratelimit.store;

import io.attache.ratelimit.core.CounterStore;
import io.attache.ratelimit.core.StoreUnavailableException;
import io.attache.runtime.DaemonThreads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counters in this process ({@code BACKEND_TYPE=memory}), for a single replica.
 *
 * <p>Increments are lock-free ({@code AtomicLong.addAndGet} on a map entry); a counter lives until
 * its expiry (window plus jitter), and a background sweep evicts expired ones every second. Memory
 * is bounded by {@code maxKeys}: when full even after a sweep, new counters are refused with {@link
 * StoreUnavailableException}, answered like a Redis outage, never by silently not counting.
 */
public final class MemoryCounterStore implements CounterStore {
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

  /**
   * Token buckets: each one's theoretical arrival time (GCRA), in epoch micros. Immutable values
   * replaced under the map's per-key lock, so the sweep's conditional removal never removes a
   * bucket a take has just moved on.
   */
  private final ConcurrentHashMap<String, Long> buckets = new ConcurrentHashMap<>();

  /** Sliding windows: each one's counts, replaced under the map's per-key lock as buckets are. */
  private final ConcurrentHashMap<String, Sliding> sliding = new ConcurrentHashMap<>();

  private final LongSupplier epochSeconds;
  private final LongSupplier epochMicros;
  private final int maxKeys;
  private final ScheduledExecutorService sweeper;
  private final AtomicLong lastEmergencySweep = new AtomicLong();

  private static final class Counter {
    final AtomicLong value = new AtomicLong();
    final long expiresAt;

    Counter(long expiresAt) {
      this.expiresAt = expiresAt;
    }
  }

  /**
   * A sliding window's state: the window that starts at {@code start} (epoch micros) has counted
   * {@code current}, the one before it {@code previous}.
   */
  private record Sliding(long start, long window, long current, long previous) {
    /** The state at {@code now}: rolled over once or twice if windows have passed since. */
    Sliding at(long now) {
      long startNow = now - now % window;
      if (startNow == start) {
        return this;
      }
      return new Sliding(startNow, window, 0, startNow - window == start ? current : 0);
    }

    /** The weighted estimate, in the same double arithmetic as the Redis script. */
    double estimate(long now) {
      return previous * (double) (window - (now - start)) / window + current;
    }
  }

  /** Token buckets on the same clock as the windows: the tests' controllable seconds. */
  public MemoryCounterStore(int maxKeys, LongSupplier epochSeconds) {
    this(maxKeys, epochSeconds, () -> epochSeconds.getAsLong() * 1_000_000);
  }

  /**
   * @param epochMicros the clock token buckets refill by, finer than the windows' seconds
   */
  public MemoryCounterStore(int maxKeys, LongSupplier epochSeconds, LongSupplier epochMicros) {
    this.maxKeys = maxKeys;
    this.epochSeconds = epochSeconds;
    this.epochMicros = epochMicros;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("ratelimit-memory-sweeper"));
    sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
  }

  @Override
  public CompletionStage<long[]> increment(String[] keys, long[] hits, long[] ttlSeconds) {
    long now = epochSeconds.getAsLong();
    long[] after = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      Counter counter = counters.get(keys[i]);
      if (counter == null) {
        if (size() >= maxKeys && !makeRoom(now)) {
          return full(maxKeys);
        }
        long expiresAt = now + ttlSeconds[i];
        counter = counters.computeIfAbsent(keys[i], k -> new Counter(expiresAt));
      }
      after[i] = counter.value.addAndGet(hits[i]);
    }
    return CompletableFuture.completedFuture(after);
  }

  @Override
  public CompletionStage<long[]> takeTokens(
      String[] keys, long[] hits, long[] emissionMicros, long[] capacityMicros) {
    long now = epochMicros.getAsLong();
    long[] fullIn = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      if (!buckets.containsKey(keys[i]) && size() >= maxKeys && !makeRoom(now / 1_000_000)) {
        return full(maxKeys);
      }
      long cost = hits[i] * emissionMicros[i];
      long capacity = capacityMicros[i];
      long[] result = new long[1];
      buckets.compute(
          keys[i],
          (key, tat) -> {
            long from = tat == null ? now : Math.max(tat, now);
            long after = from + cost;
            if (after - now > capacity) {
              result[0] = -1 - (from - now);
              return tat;
            }
            result[0] = after - now;
            return after;
          });
      fullIn[i] = result[0];
    }
    return CompletableFuture.completedFuture(fullIn);
  }

  @Override
  public CompletionStage<long[]> countSliding(
      String[] keys, long[] hits, long[] limits, long[] windowMicros) {
    long now = epochMicros.getAsLong();
    long[] counted = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      if (!sliding.containsKey(keys[i]) && size() >= maxKeys && !makeRoom(now / 1_000_000)) {
        return full(maxKeys);
      }
      long add = hits[i];
      long limit = limits[i];
      long window = windowMicros[i];
      long[] result = new long[1];
      sliding.compute(
          keys[i],
          (key, held) -> {
            Sliding state =
                held == null || held.window != window
                    ? new Sliding(now - now % window, window, 0, 0)
                    : held.at(now);
            double estimate = state.estimate(now);
            if (estimate + add > limit) {
              result[0] = -1 - (long) Math.ceil(estimate);
              return held;
            }
            result[0] = (long) Math.ceil(estimate + add);
            return new Sliding(state.start, window, state.current + add, state.previous);
          });
      counted[i] = result[0];
    }
    return CompletableFuture.completedFuture(counted);
  }

  private static CompletionStage<long[]> full(int maxKeys) {
    return CompletableFuture.failedFuture(
        new StoreUnavailableException(
            "the memory counter store is full (" + maxKeys + " counters)", null));
  }

  @Override
  public CompletionStage<long[]> get(String[] keys) {
    long[] values = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      Counter counter = counters.get(keys[i]);
      values[i] = counter == null ? 0 : counter.value.get();
    }
    return CompletableFuture.completedFuture(values);
  }

  /** Counters, buckets and sliding windows held now, expired ones not yet swept included. */
  public int size() {
    return counters.size() + buckets.size() + sliding.size();
  }

  /** Evicts counters whose window (plus jitter) has passed. */
  public void sweep() {
    long now = epochSeconds.getAsLong();
    counters.values().removeIf(counter -> counter.expiresAt <= now);
    // A bucket whose arrival time has passed is full: the same as no bucket at all.
    long micros = epochMicros.getAsLong();
    buckets.values().removeIf(tat -> tat <= micros);
    // A sliding window weighs nothing once the window after it has ended.
    sliding.values().removeIf(state -> state.start + 2 * state.window <= micros);
  }

  /** A synchronous sweep when full, at most once a second so a full store cannot spin. */
  private boolean makeRoom(long now) {
    long last = lastEmergencySweep.get();
    if (last != now && lastEmergencySweep.compareAndSet(last, now)) {
      sweep();
    }
    return size() < maxKeys;
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }
}
