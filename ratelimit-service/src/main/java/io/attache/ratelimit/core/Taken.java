package io.attache.ratelimit.core;

import io.attache.ratelimit.config.Algorithm;
import io.attache.ratelimit.config.RateLimitRule;
import java.util.concurrent.CompletableFuture;

/**
 * What the store-judged descriptors of one request left: token buckets and sliding windows, whose
 * hits the store may refuse (and then counts nothing), as opposed to fixed windows, which count
 * every hit. By descriptor index: the hits in use after the request ("after", at most the limit's
 * capacity when admitted, more when refused) and the seconds until the limit resets.
 */
final class Taken {
  final boolean[] taken;
  final long[] after;
  final long[] reset;

  private Taken(int count) {
    this.taken = new boolean[count];
    this.after = new long[count];
    this.reset = new long[count];
  }

  boolean has(int index) {
    return taken[index];
  }

  /**
   * Whether the store need be asked: a limit of 0 blocks everything, more hits than the limit holds
   * can never pass, and negative hits (a hits_addend past 2^63) are no take at all. Refused without
   * asking the store, and without multiplying.
   */
  static boolean askable(RateLimitRule rule, long hits) {
    return rule.requestsPerUnit() > 0 && hits >= 0 && hits <= rule.capacity();
  }

  /** Whether any matched descriptor is judged by the store rather than counted. */
  static boolean any(LimitLookup.Match[] matches) {
    for (LimitLookup.Match match : matches) {
      if (match != null && match.rule().algorithm() != Algorithm.FIXED_WINDOW) {
        return true;
      }
    }
    return false;
  }

  /** When every store call of the request's judged descriptors has answered. */
  private CompletableFuture<Taken> completion;

  /**
   * Starts taking from the token buckets and counting the sliding windows of a request, one store
   * call for each algorithm the request uses, all sent at once (with the fixed windows' call the
   * limiter sends next, one round trip in all). Which descriptors are judged is known on return
   * ({@link #has}); what they left, once {@link #completion()} completes.
   */
  static Taken start(
      CounterStore store,
      String prefix,
      RateLimitRequest request,
      LimitLookup.Match[] matches,
      long[] hits,
      long nowSeconds) {
    Taken taken = new Taken(matches.length);
    boolean buckets = false;
    boolean sliding = false;
    for (LimitLookup.Match match : matches) {
      if (match != null) {
        buckets |= match.rule().algorithm() == Algorithm.TOKEN_BUCKET;
        sliding |= match.rule().algorithm() == Algorithm.SLIDING_WINDOW;
      }
    }
    // Each writes its own descriptors' entries; both are read only once both have completed.
    CompletableFuture<Taken> first =
        buckets
            ? TokenBuckets.take(store, prefix, request, matches, hits, taken).toCompletableFuture()
            : CompletableFuture.completedFuture(taken);
    CompletableFuture<Taken> second =
        sliding
            ? SlidingWindows.count(store, prefix, request, matches, hits, nowSeconds, taken)
                .toCompletableFuture()
            : CompletableFuture.completedFuture(taken);
    taken.completion =
        !buckets ? second : !sliding ? first : first.thenCombine(second, (a, b) -> taken);
    return taken;
  }

  CompletableFuture<Taken> completion() {
    return completion;
  }

  /** Whether every store call has answered, successfully. */
  boolean done() {
    return completion.isDone() && !completion.isCompletedExceptionally();
  }
}
