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

  /** The current values of {@code keys} (0 for a missing key). */
  CompletionStage<long[]> get(String[] keys);

  @Override
  void close();
}
