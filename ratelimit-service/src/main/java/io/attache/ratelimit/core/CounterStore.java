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

  /** The current values of {@code keys} (0 for a missing key). */
  CompletionStage<long[]> get(String[] keys);

  @Override
  void close();
}
