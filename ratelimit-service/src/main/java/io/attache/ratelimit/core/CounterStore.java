package io.attache.ratelimit.core;

import java.util.concurrent.CompletionStage;

/**
 * Where counters live: in memory for one replica, in Redis for many. Each call is one round trip,
 * whatever the number of keys, and never blocks the caller: results arrive on the returned stage.
 */
public interface CounterStore extends AutoCloseable {

  /**
   * Adds {@code hits[i]} to {@code keys[i]} (creating it to expire in {@code ttlSeconds[i]}, and
   * refreshing that expiry) and returns each counter's value after the addition.
   */
  CompletionStage<long[]> increment(String[] keys, long[] hits, long[] ttlSeconds);

  /**
   * Token buckets by GCRA: for each key, takes {@code hits[i]} tokens if the bucket holds them,
   * where a token comes every {@code emissionMicros[i]} and the bucket holds at most {@code
   * capacityMicros[i]} worth (burst × emission). Judged by the store's own clock (Redis's {@code
   * TIME}, so replicas with different clocks agree). One round trip, whatever the number of keys.
   *
   * @return per key, the micros until the bucket is full again after the take; {@code -1 - that}
   *     when the take was refused, nothing taken
   */
  CompletionStage<long[]> takeTokens(
      String[] keys, long[] hits, long[] emissionMicros, long[] capacityMicros);

  /**
   * Sliding windows, by the weighted two-window estimate: for each key, the previous window's count
   * times the share of it still inside a window ending now, plus the current window's count. When
   * that estimate plus {@code hits[i]} is at most {@code limits[i]} the hits are counted in the
   * current window; otherwise they are refused and count nothing. Windows of {@code
   * windowMicros[i]}, aligned to the epoch and judged by the store's own clock (Redis's {@code
   * TIME}). One round trip, whatever the number of keys.
   *
   * @return per key, the estimate after the hits, rounded up; {@code -1 - the estimate before},
   *     rounded up, when they were refused
   */
  CompletionStage<long[]> countSliding(
      String[] keys, long[] hits, long[] limits, long[] windowMicros);

  /** The current values of {@code keys} (0 for a missing key). */
  CompletionStage<long[]> get(String[] keys);

  @Override
  void close();
}
