package io.attache.ratelimit.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.attache.ratelimit.core.OverLimitCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The near cache of over-limit counters, bounded in bytes ({@code LOCAL_CACHE_SIZE_IN_BYTES}). An
 * entry lives until its window ends: after that the counter key changes anyway.
 */
public final class CaffeineOverLimitCache implements OverLimitCache {
  private static final int ENTRY_OVERHEAD_BYTES = 64;

  private final Cache<String, Long> cache;
  private final LongSupplier epochSeconds;

  public CaffeineOverLimitCache(long maxBytes, LongSupplier epochSeconds) {
    this(maxBytes, epochSeconds, Optional.empty());
  }

  /**
   * As above, reporting hits, misses, evictions and size on {@code registry} as Micrometer's
   * Caffeine binder names them ({@code cache_gets_total{cache="ratelimit_local_cache",result}},
   * {@code cache_evictions_total}, {@code cache_size}), the reference's {@code localcache} stats.
   */
  public CaffeineOverLimitCache(
      long maxBytes, LongSupplier epochSeconds, Optional<MeterRegistry> registry) {
    this.epochSeconds = epochSeconds;
    Caffeine<Object, Object> builder = Caffeine.newBuilder();
    if (registry.isPresent()) {
      builder.recordStats();
    }
    this.cache =
        builder
            .maximumWeight(maxBytes)
            .<String, Long>weigher((key, expiry) -> ENTRY_OVERHEAD_BYTES + 2 * key.length())
            .expireAfter(
                new Expiry<String, Long>() {
                  @Override
                  public long expireAfterCreate(String key, Long expiresAt, long currentTime) {
                    return TimeUnit.SECONDS.toNanos(
                        Math.max(
                            1, expiresAt - CaffeineOverLimitCache.this.epochSeconds.getAsLong()));
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, Long expiresAt, long currentTime, long currentDuration) {
                    return expireAfterCreate(key, expiresAt, currentTime);
                  }

                  @Override
                  public long expireAfterRead(
                      String key, Long expiresAt, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .build();
    registry.ifPresent(r -> CaffeineCacheMetrics.monitor(r, cache, "ratelimit_local_cache"));
  }

  @Override
  public boolean isOverLimit(String counterKey) {
    Long expiresAt = cache.getIfPresent(counterKey);
    return expiresAt != null && expiresAt > epochSeconds.getAsLong();
  }

  @Override
  public void markOverLimit(String counterKey, long expiresAtEpochSecond) {
    cache.put(counterKey, expiresAtEpochSecond);
  }
}
