package io.attache.ratelimit.core;

import io.attache.ratelimit.config.Algorithm;
import io.attache.ratelimit.config.RateLimitRule;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The sliding-window descriptors of one request ({@link Algorithm#SLIDING_WINDOW}): counted in one
 * store call by the weighted two-window estimate, each count turned into what the limiter decides
 * with ({@link Taken}): the estimate after the hits (at most the limit when they were admitted,
 * more when refused) and the seconds until the current window ends.
 */
final class SlidingWindows {
  private static final long MICROS = 1_000_000;

  private SlidingWindows() {}

  /** Counts {@code hits} in each sliding-window descriptor's window, writing into {@code taken}. */
  static CompletionStage<Taken> count(
      CounterStore store,
      String prefix,
      RateLimitRequest request,
      LimitLookup.Match[] matches,
      long[] hits,
      long nowSeconds,
      Taken taken) {
    int windows = 0;
    for (int i = 0; i < matches.length; i++) {
      RateLimitRule rule = sliding(matches[i]);
      if (rule != null) {
        taken.taken[i] = true;
        long window = rule.window().orElseThrow().seconds();
        taken.reset[i] = window - nowSeconds % window;
        if (Taken.askable(rule, hits[i])) {
          windows++;
        } else {
          // Refused without asking the store (Taken.askable says why).
          taken.after[i] = rule.requestsPerUnit() + 1;
        }
      }
    }
    if (windows == 0) {
      return CompletableFuture.completedFuture(taken);
    }
    String[] keys = new String[windows];
    long[] counts = new long[windows];
    long[] limits = new long[windows];
    long[] micros = new long[windows];
    int[] index = new int[windows];
    for (int i = 0, j = 0; i < matches.length; i++) {
      RateLimitRule rule = sliding(matches[i]);
      if (rule != null && Taken.askable(rule, hits[i])) {
        keys[j] =
            matches[i].counterKey(
                prefix, request.domain(), request.descriptors().get(i).entries(), "sw");
        counts[j] = hits[i];
        limits[j] = rule.requestsPerUnit();
        micros[j] = rule.window().orElseThrow().seconds() * MICROS;
        index[j++] = i;
      }
    }
    return store
        .countSliding(keys, counts, limits, micros)
        .thenApply(
            counted -> {
              for (int j = 0; j < counted.length; j++) {
                int i = index[j];
                taken.after[i] =
                    counted[j] >= 0
                        ? counted[j]
                        : Math.max(-1 - counted[j] + hits[i], limits[j] + 1);
              }
              return taken;
            });
  }

  private static RateLimitRule sliding(LimitLookup.Match match) {
    return match != null && match.rule().algorithm() == Algorithm.SLIDING_WINDOW
        ? match.rule()
        : null;
  }
}
