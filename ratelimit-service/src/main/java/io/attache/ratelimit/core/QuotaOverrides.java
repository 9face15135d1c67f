package io.attache.ratelimit.core;

import io.attache.ratelimit.config.Algorithm;
import io.attache.ratelimit.config.RateLimitRule;
import io.attache.ratelimit.config.Window;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-tenant quotas: for one exact descriptor of a domain (every entry, key and value), a limit in
 * place of the one the configuration gives it. The descriptor must match a configured limit; the
 * quota changes its numbers (requests, window, a bucket's burst) or makes it unlimited, and keeps
 * its name, stat, counter key and modes, so a tenant's count carries over when its quota changes. A
 * limit Envoy sends in the request wins, as over the configuration. Immutable: a change makes a new
 * one, swapped in whole.
 */
public final class QuotaOverrides {
  public static final QuotaOverrides NONE = new QuotaOverrides(Map.of());

  /**
   * A quota: {@code requestsPerUnit} per {@code window} (the configured limit's when empty), a
   * token bucket's {@code burst} ({@code requestsPerUnit} when empty), or {@code unlimited}.
   */
  public record Quota(
      long requestsPerUnit, Optional<Window> window, Optional<Long> burst, boolean unlimited) {
    public Quota {
      Objects.requireNonNull(window, "window");
      Objects.requireNonNull(burst, "burst");
    }

    /**
     * The rule with this quota's numbers, or the rule itself when the quota cannot apply to it: a
     * quota without a window on a rule that has none (an unlimited one), or a token bucket whose
     * capacity would pass 2^53 µs (what Redis's Lua counts exactly; the configuration refuses the
     * same).
     */
    RateLimitRule applyTo(RateLimitRule rule) {
      Optional<Window> newWindow = unlimited ? rule.window() : window.or(rule::window);
      if (!unlimited && newWindow.isEmpty()) {
        return rule;
      }
      boolean bucket = rule.algorithm() == Algorithm.TOKEN_BUCKET;
      RateLimitRule applied =
          new RateLimitRule(
              rule.name(),
              requestsPerUnit,
              newWindow,
              unlimited,
              rule.replaces(),
              rule.shadowMode(),
              rule.quotaMode(),
              rule.statsKey(),
              rule.algorithm(),
              bucket ? burst.orElse(requestsPerUnit) : 0);
      return applied.bucketFits() ? applied : rule;
    }
  }

  private final Map<String, Map<List<Entry>, Quota>> byDomain;
  // The rule each quota made last, by the quota object itself (two tenants' equal quotas may meet
  // different rules): a quota'd tenant's requests would otherwise build its rule anew every time.
  // A configuration reload brings new rules, which replace the entry.
  private final Map<QuotaIdentity, Applied> applied = new ConcurrentHashMap<>();

  private record Applied(RateLimitRule rule, RateLimitRule withQuota) {}

  /** A quota by identity. */
  private record QuotaIdentity(Quota quota) {
    @Override
    public boolean equals(Object other) {
      return other instanceof QuotaIdentity that && that.quota == quota;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(quota);
    }
  }

  private QuotaOverrides(Map<String, Map<List<Entry>, Quota>> byDomain) {
    this.byDomain = byDomain;
  }

  /**
   * The quotas of {@code byDomain} (domain → entries → quota), copied once: a reader applying a
   * batch of changes builds its map and publishes it whole, not one copy per change.
   */
  public static QuotaOverrides of(Map<String, Map<List<Entry>, Quota>> byDomain) {
    Map<String, Map<List<Entry>, Quota>> copy = new HashMap<>();
    byDomain.forEach(
        (domain, quotas) -> {
          if (!quotas.isEmpty()) {
            copy.put(domain, Map.copyOf(quotas));
          }
        });
    return new QuotaOverrides(Map.copyOf(copy));
  }

  /** These quotas with {@code quota} for the descriptor {@code entries} of {@code domain}. */
  public QuotaOverrides with(String domain, List<Entry> entries, Quota quota) {
    Map<String, Map<List<Entry>, Quota>> copy = new HashMap<>(byDomain);
    Map<List<Entry>, Quota> quotas = new HashMap<>(copy.getOrDefault(domain, Map.of()));
    quotas.put(List.copyOf(entries), quota);
    copy.put(domain, Map.copyOf(quotas));
    return new QuotaOverrides(Map.copyOf(copy));
  }

  /** These quotas without the one for {@code entries} of {@code domain}. */
  public QuotaOverrides without(String domain, List<Entry> entries) {
    Map<List<Entry>, Quota> quotas = byDomain.get(domain);
    if (quotas == null || !quotas.containsKey(entries)) {
      return this;
    }
    Map<String, Map<List<Entry>, Quota>> copy = new HashMap<>(byDomain);
    Map<List<Entry>, Quota> left = new HashMap<>(quotas);
    left.remove(entries);
    if (left.isEmpty()) {
      copy.remove(domain);
    } else {
      copy.put(domain, Map.copyOf(left));
    }
    return new QuotaOverrides(Map.copyOf(copy));
  }

  /** The quota for a descriptor, if one is set. */
  public Optional<Quota> get(String domain, List<Entry> entries) {
    Map<List<Entry>, Quota> quotas = byDomain.get(domain);
    return quotas == null ? Optional.empty() : Optional.ofNullable(quotas.get(entries));
  }

  /** How many quotas are set. */
  public int size() {
    int size = 0;
    for (Map<List<Entry>, Quota> quotas : byDomain.values()) {
      size += quotas.size();
    }
    return size;
  }

  /**
   * The match with the descriptor's quota applied (a hot path: with no quota in the domain, one map
   * lookup and the match itself).
   */
  LimitLookup.Match apply(String domain, Descriptor descriptor, LimitLookup.Match match) {
    if (match == null || byDomain.isEmpty() || descriptor.limitOverride().isPresent()) {
      return match;
    }
    Map<List<Entry>, Quota> quotas = byDomain.get(domain);
    if (quotas == null) {
      return match;
    }
    Quota quota = quotas.get(descriptor.entries());
    return quota == null
        ? match
        : new LimitLookup.Match(applied(quota, match.rule()), match.sharedValues());
  }

  /** {@code quota} applied to {@code rule}, built once per rule the quota meets. */
  RateLimitRule applied(Quota quota, RateLimitRule rule) {
    QuotaIdentity key = new QuotaIdentity(quota);
    Applied last = applied.get(key);
    if (last != null && last.rule() == rule) {
      return last.withQuota();
    }
    RateLimitRule withQuota = quota.applyTo(rule);
    applied.put(key, new Applied(rule, withQuota));
    return withQuota;
  }
}
