package io.attache.ratelimit.core;

import io.attache.ratelimit.config.DescriptorNode;
import io.attache.ratelimit.config.RateLimitConfig;
import io.attache.ratelimit.config.RateLimitRule;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Decides {@code ShouldRateLimit} with the reference service's semantics: fixed windows aligned to
 * the epoch, one counter per domain, descriptor and window, {@code hits_addend}, {@code replaces},
 * {@code unlimited}, shadow and quota modes, near-limit statistics, the near cache and {@code
 * RateLimit-*} headers; and with our extensions, token taken and sliding windows, which the store
 * judges ({@link Taken}). Pure: counters live behind {@link CounterStore}, time behind a clock.
 */
public final class RateLimiter {
  private final LimiterSettings settings;
  private final CounterStore store;
  private final OverLimitCache overLimitCache;
  private final LimitStats stats;
  private final LongSupplier epochSeconds;
  private final Supplier<QuotaOverrides> quotas;

  public RateLimiter(
      LimiterSettings settings,
      CounterStore store,
      OverLimitCache overLimitCache,
      LimitStats stats,
      LongSupplier epochSeconds) {
    this(settings, store, overLimitCache, stats, epochSeconds, () -> QuotaOverrides.NONE);
  }

  /**
   * @param quotas the per-tenant quotas now (read once per request)
   */
  public RateLimiter(
      LimiterSettings settings,
      CounterStore store,
      OverLimitCache overLimitCache,
      LimitStats stats,
      LongSupplier epochSeconds,
      Supplier<QuotaOverrides> quotas) {
    this.settings = settings;
    this.store = store;
    this.overLimitCache = overLimitCache;
    this.stats = stats;
    this.epochSeconds = epochSeconds;
    this.quotas = quotas;
  }

  /**
   * The response with what led to it, for events: per descriptor the rule that applied, the hits
   * counted, and whether it was over its limit before shadow mode turned the answer into OK. Held
   * as arrays and read by position, since it is made for every request and read only for the few
   * that are reported.
   */
  public static final class Outcome {
    private final RateLimitResponse response;
    private final RateLimitRule[] rules;
    private final long[] hits;
    private final boolean[] overLimit;

    Outcome(RateLimitResponse response, RateLimitRule[] rules, long[] hits, boolean[] overLimit) {
      this.response = response;
      this.rules = rules;
      this.hits = hits;
      this.overLimit = overLimit;
    }

    public RateLimitResponse response() {
      return response;
    }

    /** The rule that applied to the descriptor at {@code index}, if one did. */
    public Optional<RateLimitRule> rule(int index) {
      return Optional.ofNullable(rules[index]);
    }

    /** The hits counted for the descriptor at {@code index}. */
    public long hits(int index) {
      return hits[index];
    }

    /** Whether the descriptor at {@code index} was over its limit (shadow mode or not). */
    public boolean overLimit(int index) {
      return overLimit[index];
    }
  }

  /**
   * Answers a request against a configuration. Fails the returned stage with {@link
   * RateLimitException} for a malformed request and {@link StoreUnavailableException} when counters
   * cannot be reached.
   */
  public CompletionStage<Outcome> shouldRateLimit(
      RateLimitConfig config, RateLimitRequest request) {
    if (request.domain().isEmpty()) {
      return CompletableFuture.failedFuture(
          new RateLimitException("rate limit domain must not be empty"));
    }
    if (request.descriptors().isEmpty()) {
      return CompletableFuture.failedFuture(
          new RateLimitException("rate limit descriptor list must not be empty"));
    }
    if (config == null) {
      return CompletableFuture.failedFuture(
          new RateLimitException("no rate limit configuration loaded"));
    }
    int count = request.descriptors().size();
    LimitLookup.Match[] matches = new LimitLookup.Match[count];
    boolean[] unlimited = new boolean[count];
    DescriptorNode root = config.domains().get(request.domain());
    QuotaOverrides quotasNow = quotas.get();
    Set<String> replaced = null;
    for (int i = 0; i < count; i++) {
      Descriptor descriptor = request.descriptors().get(i);
      if (root == null) {
        // As the reference's GetLimit: an unknown domain matches nothing, not even a limit sent
        // with the descriptor, and is counted once per descriptor looked up.
        stats.domainNotFound(request.domain());
        continue;
      }
      LimitLookup.Match match =
          quotasNow.apply(
              request.domain(), descriptor, LimitLookup.find(request.domain(), root, descriptor));
      if (match == null) {
        continue;
      }
      if (match.rule().unlimited()) {
        unlimited[i] = true;
        continue;
      }
      matches[i] = match;
      if (!match.rule().replaces().isEmpty()) {
        if (replaced == null) {
          replaced = new HashSet<>();
        }
        replaced.addAll(match.rule().replaces());
      }
    }
    if (replaced != null) {
      for (int i = 0; i < count; i++) {
        if (matches[i] != null
            && matches[i].rule().name().isPresent()
            && replaced.contains(matches[i].rule().name().get())) {
          matches[i] = null;
        }
      }
    }
    if (!Taken.any(matches)) {
      return count(request, matches, unlimited, null);
    }
    long[] hits = new long[count];
    for (int i = 0; i < count; i++) {
      hits[i] = hitsFor(request, request.descriptors().get(i));
    }
    // The judged descriptors' calls and the fixed windows' go out together: one round trip.
    Taken taken =
        Taken.start(
            store, settings.cacheKeyPrefix(), request, matches, hits, epochSeconds.getAsLong());
    return count(request, matches, unlimited, taken);
  }

  /**
   * The decision, once the judged descriptors' calls have answered too: at once when they have (the
   * memory store, without a callback or a stage per call), else when they do.
   */
  private CompletionStage<Outcome> decideWhenJudged(
      RateLimitRequest request,
      LimitLookup.Match[] matches,
      boolean[] unlimited,
      long[] hits,
      String[] keys,
      boolean[] cachedOver,
      long[] after,
      long now,
      Taken taken) {
    if (taken != null && !taken.done()) {
      return taken
          .completion()
          .thenApply(
              judged ->
                  decide(request, matches, unlimited, hits, keys, cachedOver, after, now, taken));
    }
    try {
      return CompletableFuture.completedFuture(
          decide(request, matches, unlimited, hits, keys, cachedOver, after, now, taken));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Per-descriptor hits: its own {@code hits_addend} wins, else the request's, where 0 means 1. */
  private static long hitsFor(RateLimitRequest request, Descriptor descriptor) {
    if (descriptor.hitsAddend().isPresent()) {
      return descriptor.hitsAddend().getAsLong();
    }
    return request.hitsAddend() == 0 ? 1 : request.hitsAddend();
  }

  /**
   * Counts the fixed-window descriptors in one store call and decides; {@code taken}, when not
   * null, holds what the token buckets' takes and the sliding windows' counts left (once its calls
   * have answered: the decision waits for them).
   */
  private CompletionStage<Outcome> count(
      RateLimitRequest request, LimitLookup.Match[] matches, boolean[] unlimited, Taken taken) {
    int count = matches.length;
    long now = epochSeconds.getAsLong();
    long[] hits = new long[count];
    String[] keys = new String[count];
    boolean[] cachedOver = new boolean[count];
    boolean anyCachedOver = false;
    int toCount = 0;
    for (int i = 0; i < count; i++) {
      Descriptor descriptor = request.descriptors().get(i);
      hits[i] = hitsFor(request, descriptor);
      if (matches[i] == null || (taken != null && taken.has(i))) {
        if (taken != null && taken.has(i)) {
          stats.totalHits(matches[i].rule().statsKey(), hits[i]);
        }
        continue;
      }
      RateLimitRule rule = matches[i].rule();
      long window = rule.window().orElseThrow().seconds();
      keys[i] =
          matches[i].counterKey(
              settings.cacheKeyPrefix(),
              request.domain(),
              descriptor.entries(),
              (now / window) * window);
      stats.totalHits(rule.statsKey(), hits[i]);
      if (overLimitCache.isOverLimit(keys[i])) {
        cachedOver[i] = true;
        anyCachedOver = true;
      } else {
        toCount++;
      }
    }
    if (toCount == 0) {
      return decideWhenJudged(
          request, matches, unlimited, hits, keys, cachedOver, new long[count], now, taken);
    }
    // When every descriptor is counted (the usual case) the store's arrays are the request's,
    // in the same order; otherwise the counted ones are gathered and their results scattered back.
    String[] storeKeys = keys;
    long[] storeHits = hits;
    long[] ttls = new long[toCount];
    int[] index = null;
    if (toCount < count) {
      storeKeys = new String[toCount];
      storeHits = new long[toCount];
      index = new int[toCount];
    }
    for (int i = 0, j = 0; i < count; i++) {
      if (keys[i] != null && !cachedOver[i]) {
        ttls[j] = ttl(matches[i].rule().window().orElseThrow().seconds());
        if (index != null) {
          storeKeys[j] = keys[i];
          storeHits[j] = hits[i];
          index[j] = i;
        }
        j++;
      }
    }
    int[] positions = index;
    if (!settings.stopIncrementWhenOverLimit()) {
      CompletionStage<long[]> counted = store.increment(storeKeys, storeHits, ttls);
      long[] after = Stages.valueIfDone(counted);
      if (after != null) {
        // The memory store answers at once: decide now, without a callback and a stage per call.
        return decideWhenJudged(
            request,
            matches,
            unlimited,
            hits,
            keys,
            cachedOver,
            scatter(after, positions, count),
            now,
            taken);
      }
      return counted.thenCompose(
          values ->
              decideWhenJudged(
                  request,
                  matches,
                  unlimited,
                  hits,
                  keys,
                  cachedOver,
                  scatter(values, positions, count),
                  now,
                  taken));
    }
    boolean skipAll = anyCachedOver;
    String[] getKeys = storeKeys;
    long[] getHits = storeHits;
    return store
        .get(getKeys)
        .thenCompose(
            current -> {
              // The reference (PR #443): when any counter would go over, only the ones that would
              // are incremented; when one is known over from the near cache, none is.
              boolean anyWouldBeOver = false;
              boolean[] wouldBeOver = new boolean[getKeys.length];
              for (int j = 0; j < getKeys.length; j++) {
                RateLimitRule rule = matches[positions == null ? j : positions[j]].rule();
                wouldBeOver[j] = current[j] + getHits[j] > rule.requestsPerUnit();
                anyWouldBeOver |= wouldBeOver[j];
              }
              long[] increments = new long[getKeys.length];
              for (int j = 0; j < getKeys.length; j++) {
                increments[j] = skipAll || (anyWouldBeOver && !wouldBeOver[j]) ? 0 : getHits[j];
              }
              return store
                  .increment(getKeys, increments, ttls)
                  .thenCompose(
                      after ->
                          decideWhenJudged(
                              request,
                              matches,
                              unlimited,
                              hits,
                              keys,
                              cachedOver,
                              scatter(after, positions, count),
                              now,
                              taken));
            });
  }

  private long ttl(long windowSeconds) {
    long jitter =
        settings.expirationJitterMaxSeconds() > 0
            ? ThreadLocalRandom.current().nextLong(settings.expirationJitterMaxSeconds())
            : 0;
    return windowSeconds + jitter;
  }

  /** Store results back in request order; {@code index} null means they are in it already. */
  private static long[] scatter(long[] values, int[] index, int count) {
    if (index == null) {
      return values;
    }
    long[] all = new long[count];
    for (int j = 0; j < values.length; j++) {
      all[index[j]] = values[j];
    }
    return all;
  }

  private Outcome decide(
      RateLimitRequest request,
      LimitLookup.Match[] matches,
      boolean[] unlimited,
      long[] hits,
      String[] keys,
      boolean[] cachedOver,
      long[] after,
      long now,
      Taken taken) {
    int count = matches.length;
    DescriptorStatus[] statuses = new DescriptorStatus[count];
    RateLimitRule[] rules = new RateLimitRule[count];
    boolean[] overLimit = new boolean[count];
    boolean overall = false;
    int quotas = 0;
    int quotasOver = 0;
    int headerSource = -1;
    for (int i = 0; i < count; i++) {
      if (unlimited[i]) {
        statuses[i] = DescriptorStatus.UNLIMITED;
        continue;
      }
      if (matches[i] == null) {
        statuses[i] = DescriptorStatus.NO_LIMIT;
        continue;
      }
      RateLimitRule rule = matches[i].rule();
      rules[i] = rule;
      long window = rule.window().orElseThrow().seconds();
      boolean judged = taken != null && taken.has(i);
      long reset = judged ? taken.reset[i] : window - now % window;
      DescriptorStatus.CurrentLimit limit =
          new DescriptorStatus.CurrentLimit(
              rule.name(), rule.requestsPerUnit(), rule.unit(), window);
      DescriptorStatus status;
      if (judged) {
        status = counted(rule, limit, hits[i], taken.after[i], reset, null, now);
      } else if (cachedOver[i]) {
        stats.overLimit(rule.statsKey(), hits[i]);
        stats.overLimitWithLocalCache(rule.statsKey(), hits[i]);
        status = new DescriptorStatus(Code.OVER_LIMIT, Optional.of(limit), 0, reset);
      } else {
        status = counted(rule, limit, hits[i], after[i], reset, keys[i], now);
      }
      overLimit[i] = status.code() == Code.OVER_LIMIT;
      if (status.code() == Code.OVER_LIMIT && rule.shadowMode()) {
        // The same hits as over_limit counted.
        stats.shadowMode(
            rule.statsKey(),
            cachedOver[i]
                ? hits[i]
                : hitsOverLimit(rule.capacity(), hits[i], judged ? taken.after[i] : after[i]));
        status = new DescriptorStatus(Code.OK, status.currentLimit(), 0, reset);
      }
      if (rule.quotaMode()) {
        quotas++;
        if (status.code() == Code.OVER_LIMIT) {
          quotasOver++;
        }
      } else if (status.code() == Code.OVER_LIMIT) {
        overall = true;
      }
      headerSource = moreRestrictive(statuses, headerSource, status, rule.quotaMode(), i, matches);
      statuses[i] = status;
    }
    if (quotas > 0 && quotasOver == quotas) {
      overall = true;
    }
    Code overallCode = overall ? Code.OVER_LIMIT : Code.OK;
    if (overall && settings.globalShadowMode()) {
      stats.globalShadowMode();
      overallCode = Code.OK;
    }
    List<RateLimitResponse.Header> headers = List.of();
    if (settings.responseHeaders() && headerSource >= 0) {
      DescriptorStatus source = statuses[headerSource];
      headers =
          List.of(
              new RateLimitResponse.Header(
                  settings.limitHeader(),
                  Long.toString(source.currentLimit().orElseThrow().requestsPerUnit())),
              new RateLimitResponse.Header(
                  settings.remainingHeader(), Long.toString(source.remaining())),
              new RateLimitResponse.Header(
                  settings.resetHeader(), Long.toString(source.secondsUntilReset())));
    }
    // List.of keeps the array's order and is immutable, so the response takes it without a copy.
    return new Outcome(
        new RateLimitResponse(overallCode, List.of(statuses), headers), rules, hits, overLimit);
  }

  /**
   * The status the headers describe, as the reference's shouldRateLimitWorker picks it: the last
   * non-quota descriptor over its limit; without one, the first with the fewest calls remaining.
   */
  private static int moreRestrictive(
      DescriptorStatus[] previous,
      int best,
      DescriptorStatus candidate,
      boolean quota,
      int index,
      LimitLookup.Match[] matches) {
    if (best < 0) {
      return index;
    }
    DescriptorStatus current = previous[best];
    boolean currentOver = current.code() == Code.OVER_LIMIT && !matches[best].rule().quotaMode();
    boolean candidateOver = candidate.code() == Code.OVER_LIMIT && !quota;
    if (candidateOver || currentOver) {
      return candidateOver ? index : best;
    }
    return candidate.remaining() < current.remaining() ? index : best;
  }

  private DescriptorStatus counted(
      RateLimitRule rule,
      DescriptorStatus.CurrentLimit limit,
      long hits,
      long after,
      long reset,
      String key,
      long now) {
    long before = after - hits;
    long overThreshold = rule.capacity();
    // In float32, as the reference computes it: float32(limit) * NEAR_LIMIT_RATIO (a float32).
    long nearThreshold =
        (long) Math.floor((float) overThreshold * (float) settings.nearLimitRatio());
    if (after > overThreshold) {
      stats.overLimit(rule.statsKey(), hitsOverLimit(overThreshold, hits, after));
      if (before < overThreshold) {
        stats.nearLimit(rule.statsKey(), overThreshold - Math.max(nearThreshold, before));
      }
      if (key != null) {
        // Not for a bucket or a sliding window: they refill continuously, so "over until the
        // window ends" would be wrong.
        overLimitCache.markOverLimit(key, now + reset);
      }
      return new DescriptorStatus(Code.OVER_LIMIT, Optional.of(limit), 0, reset);
    }
    if (after > nearThreshold) {
      stats.nearLimit(rule.statsKey(), before >= nearThreshold ? hits : after - nearThreshold);
    }
    stats.withinLimit(rule.statsKey(), hits);
    return new DescriptorStatus(Code.OK, Optional.of(limit), overThreshold - after, reset);
  }

  /**
   * The hits past the limit, as the reference counts over_limit (and shadow_mode): all of them when
   * the counter was over before they came, else only those beyond the limit.
   */
  private static long hitsOverLimit(long limit, long hits, long after) {
    return after - hits >= limit ? hits : after - limit;
  }
}
