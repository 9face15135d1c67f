package io.attache.ratelimit.metrics;

import io.attache.ratelimit.core.LimitStats;
import io.attache.ratelimit.core.ServiceStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reference's statistics as Prometheus counters, named as its statsd-to-Prometheus mapping
 * names them: {@code ratelimit_service_rate_limit_<stat>_total{domain, key}} where {@code key} is
 * the rest of the stat name ({@code key_value.key}). Counters are created once per limit and
 * cached, so the hot path is one map lookup and an add.
 */
public final class MicrometerLimitStats implements LimitStats, ServiceStats {
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, LimitCounters> byKey = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> domainNotFound = new ConcurrentHashMap<>();
  private final Counter globalShadowMode;
  private final Counter storeError;
  private final Counter serviceError;

  private record LimitCounters(
      Counter totalHits,
      Counter overLimit,
      Counter nearLimit,
      Counter withinLimit,
      Counter shadowMode,
      Counter overLimitWithLocalCache) {}

  public MicrometerLimitStats(MeterRegistry registry) {
    this.registry = registry;
    this.globalShadowMode =
        Counter.builder("ratelimit_service_global_shadow_mode")
            .description("OVER_LIMIT answers turned OK by SHADOW_MODE")
            .register(registry);
    this.storeError =
        Counter.builder("ratelimit_service_call_should_rate_limit_redis_error")
            .description("calls the counter store could not answer")
            .register(registry);
    this.serviceError =
        Counter.builder("ratelimit_service_call_should_rate_limit_service_error")
            .description("calls rejected as malformed or without configuration")
            .register(registry);
  }

  private LimitCounters counters(String statsKey) {
    LimitCounters counters = byKey.get(statsKey);
    return counters != null ? counters : byKey.computeIfAbsent(statsKey, this::create);
  }

  private LimitCounters create(String statsKey) {
    int dot = statsKey.indexOf('.');
    String domain = dot < 0 ? statsKey : statsKey.substring(0, dot);
    String key = dot < 0 ? "" : statsKey.substring(dot + 1);
    return new LimitCounters(
        counter("total_hits", domain, key),
        counter("over_limit", domain, key),
        counter("near_limit", domain, key),
        counter("within_limit", domain, key),
        counter("shadow_mode", domain, key),
        counter("over_limit_with_local_cache", domain, key));
  }

  private Counter counter(String stat, String domain, String key) {
    return Counter.builder("ratelimit_service_rate_limit_" + stat)
        .tag("domain", domain)
        .tag("key", key)
        .register(registry);
  }

  @Override
  public void totalHits(String statsKey, long hits) {
    counters(statsKey).totalHits().increment(hits);
  }

  @Override
  public void overLimit(String statsKey, long hits) {
    counters(statsKey).overLimit().increment(hits);
  }

  @Override
  public void nearLimit(String statsKey, long hits) {
    counters(statsKey).nearLimit().increment(hits);
  }

  @Override
  public void withinLimit(String statsKey, long hits) {
    counters(statsKey).withinLimit().increment(hits);
  }

  @Override
  public void shadowMode(String statsKey, long hits) {
    counters(statsKey).shadowMode().increment(hits);
  }

  @Override
  public void overLimitWithLocalCache(String statsKey, long hits) {
    counters(statsKey).overLimitWithLocalCache().increment(hits);
  }

  @Override
  public void domainNotFound(String domain) {
    domainNotFound
        .computeIfAbsent(
            domain,
            d ->
                Counter.builder("ratelimit_service_rate_limit_domain_not_found")
                    .tag("domain", d)
                    .register(registry))
        .increment();
  }

  @Override
  public void globalShadowMode() {
    globalShadowMode.increment();
  }

  @Override
  public void storeError() {
    storeError.increment();
  }

  @Override
  public void serviceError() {
    serviceError.increment();
  }
}
