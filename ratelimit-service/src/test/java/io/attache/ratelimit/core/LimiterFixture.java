package io.attache.ratelimit.core;

import io.attache.ratelimit.config.ConfigException;
import io.attache.ratelimit.config.ConfigParser;
import io.attache.ratelimit.config.RateLimitConfig;
import io.attache.ratelimit.store.MemoryCounterStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/** A limiter on in-memory counters with a clock the test moves. */
final class LimiterFixture {
  final AtomicLong now = new AtomicLong(1_000_000_020L); // 20 s into a minute
  final MemoryCounterStore store = new MemoryCounterStore(100_000, now::get);
  final RecordingStats stats = new RecordingStats();
  RateLimitConfig config;
  RateLimiter limiter;

  LimiterFixture(String yaml) {
    this(yaml, LimiterSettings.defaults());
  }

  LimiterFixture(String yaml, LimiterSettings settings) {
    this(yaml, settings, OverLimitCache.NONE);
  }

  LimiterFixture(String yaml, LimiterSettings settings, OverLimitCache cache) {
    try {
      config =
          new ConfigParser(false).load(List.of(new ConfigParser.Source("config/test.yaml", yaml)));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    limiter = new RateLimiter(settings, store, cache, stats, now::get);
  }

  RateLimitResponse call(String domain, Descriptor... descriptors) {
    return call(new RateLimitRequest(domain, List.of(descriptors), 0, Optional.empty()));
  }

  RateLimitResponse call(RateLimitRequest request) {
    try {
      return limiter.shouldRateLimit(config, request).toCompletableFuture().join().response();
    } catch (CompletionException e) {
      throw (RuntimeException) e.getCause();
    }
  }

  static Descriptor d(String... keyValues) {
    Entry[] entries = new Entry[keyValues.length / 2];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = new Entry(keyValues[2 * i], keyValues[2 * i + 1]);
    }
    return Descriptor.of(entries);
  }
}
