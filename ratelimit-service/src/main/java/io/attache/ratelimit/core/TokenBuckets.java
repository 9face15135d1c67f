package io.attache.ratelimit.core;

import io.attache.ratelimit.config.Algorithm;
import io.attache.ratelimit.config.RateLimitRule;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The token-bucket descriptors of one request (GCRA, {@link Algorithm#TOKEN_BUCKET}): their buckets
 * are taken from in one store call, and each take is turned into what the limiter decides with
 * ({@link Taken}): the tokens in use after it (at most {@code burst} when the take succeeded, more
 * when it was refused) and the seconds until the bucket is full again. A bucket refills one token
 * every window/{@code requests_per_unit}, rounded up to a whole microsecond so the rate is never
 * exceeded.
 */
final class TokenBuckets {
  private static final long MICROS = 1_000_000;

  private TokenBuckets() {}

  /**
   * Takes {@code hits} from each token-bucket descriptor's bucket, in one store call, and writes
   * what they left into {@code taken}.
   */
  static CompletionStage<Taken> take(
      CounterStore store,
      String prefix,
      RateLimitRequest request,
      LimitLookup.Match[] matches,
      long[] hits,
      Taken taken) {
    int buckets = 0;
    for (int i = 0; i < matches.length; i++) {
      if (matches[i] != null && matches[i].rule().algorithm() == Algorithm.TOKEN_BUCKET) {
        taken.taken[i] = true;
        if (Taken.askable(matches[i].rule(), hits[i])) {
          buckets++;
        } else {
          // Refused without asking the store (Taken.askable says why).
          taken.after[i] = matches[i].rule().capacity() + 1;
        }
      }
    }
    String[] keys = new String[buckets];
    long[] costs = new long[buckets];
    long[] emissions = new long[buckets];
    long[] capacities = new long[buckets];
    int[] index = new int[buckets];
    for (int i = 0, j = 0; i < matches.length; i++) {
      RateLimitRule rule = matches[i] == null ? null : matches[i].rule();
      if (rule != null
          && rule.algorithm() == Algorithm.TOKEN_BUCKET
          && Taken.askable(rule, hits[i])) {
        long window = rule.window().orElseThrow().seconds();
        emissions[j] = ceilDiv(window * MICROS, rule.requestsPerUnit());
        capacities[j] = rule.capacity() * emissions[j];
        costs[j] = hits[i];
        keys[j] =
            matches[i].counterKey(
                prefix, request.domain(), request.descriptors().get(i).entries(), "tb");
        index[j++] = i;
      }
    }
    if (buckets == 0) {
      return CompletableFuture.completedFuture(taken);
    }
    return store
        .takeTokens(keys, costs, emissions, capacities)
        .thenApply(fullIn -> settle(taken, matches, hits, fullIn, emissions, index));
  }

  private static Taken settle(
      Taken taken,
      LimitLookup.Match[] matches,
      long[] hits,
      long[] fullIn,
      long[] emissions,
      int[] index) {
    for (int j = 0; j < fullIn.length; j++) {
      int i = index[j];
      long capacity = matches[i].rule().capacity();
      if (fullIn[j] >= 0) {
        taken.after[i] = Math.min(capacity, ceilDiv(fullIn[j], emissions[j]));
        taken.reset[i] = ceilDiv(fullIn[j], MICROS);
      } else {
        long before = -1 - fullIn[j];
        long inUse = Math.min(capacity, ceilDiv(before, emissions[j]));
        taken.after[i] = Math.max(inUse + hits[i], capacity + 1);
        taken.reset[i] = ceilDiv(before, MICROS);
      }
    }
    return taken;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
