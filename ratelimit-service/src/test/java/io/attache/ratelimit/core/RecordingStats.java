package io.attache.ratelimit.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Sums what the limiter reports, by stat and key ({@code over_limit:domain.key_value}). */
final class RecordingStats implements LimitStats {
  private final Map<String, Long> sums = new ConcurrentHashMap<>();

  /** What was added to {@code stat} for {@code key} ({@code domain.key_value}), 0 if nothing. */
  long get(String stat, String key) {
    return sums.getOrDefault(stat + ":" + key, 0L);
  }

  private void add(String stat, String key, long hits) {
    sums.merge(stat + ":" + key, hits, Long::sum);
  }

  @Override
  public void totalHits(String statsKey, long hits) {
    add("total_hits", statsKey, hits);
  }

  @Override
  public void overLimit(String statsKey, long hits) {
    add("over_limit", statsKey, hits);
  }

  @Override
  public void nearLimit(String statsKey, long hits) {
    add("near_limit", statsKey, hits);
  }

  @Override
  public void withinLimit(String statsKey, long hits) {
    add("within_limit", statsKey, hits);
  }

  @Override
  public void shadowMode(String statsKey, long hits) {
    add("shadow_mode", statsKey, hits);
  }

  @Override
  public void overLimitWithLocalCache(String statsKey, long hits) {
    add("over_limit_with_local_cache", statsKey, hits);
  }

  @Override
  public void domainNotFound(String domain) {
    add("domain_not_found", domain, 1);
  }

  @Override
  public void globalShadowMode() {
    add("global_shadow_mode", "", 1);
  }
}
