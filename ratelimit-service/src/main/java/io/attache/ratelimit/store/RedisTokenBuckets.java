package io.attache.ratelimit.store;

/**
 * Token buckets in Redis: GCRA in a Lua script ({@link RedisScript}: one call per loop iteration,
 * or per request off the loops, per key on a Cluster), so each take is atomic however many replicas
 * take at once, judged by Redis's own {@code TIME} so replicas with different clocks agree. The
 * bucket is one key holding its theoretical arrival time in epoch micros, expiring when the bucket
 * is full again.
 */
final class RedisTokenBuckets {
  /**
   * One bucket, {@code key}, with ARGV in pairs: the cost (hits × emission micros) and the capacity
   * in micros (burst × emission). Each bucket is taken from on its own, as each fixed window is
   * counted on its own. Numbers stay below 2^53, exact in Lua's doubles; stored with %.0f so no
   * digit is lost to tostring's 14 significant digits. Answers the micros until the bucket is full,
   * or -1 minus that when the take was refused.
   */
  static final String PER_KEY =
      """
      local tat = tonumber(redis.call('GET', key))
      if tat == nil or tat < now then tat = now end
      local after = tat + tonumber(ARGV[2 * i - 1])
      if after - now > tonumber(ARGV[2 * i]) then
        return -1 - (tat - now)
      end
      redis.call('SET', key, string.format('%.0f', after), 'PX', math.floor((after - now) / 1000) + 1)
      return after - now
      """;

  static final RedisScript TAKE = new RedisScript(PER_KEY, 2);

  private RedisTokenBuckets() {}

  /**
   * {@link #TAKE}'s arguments for {@link io.attache.ratelimit.core.CounterStore#takeTokens}: every
   * bucket of a request goes in one script call (on a Cluster, one call per bucket).
   */
  static String[] arguments(long[] hits, long[] emissionMicros, long[] capacityMicros) {
    String[] args = new String[2 * hits.length];
    for (int i = 0; i < hits.length; i++) {
      args[2 * i] = Long.toString(hits[i] * emissionMicros[i]);
      args[2 * i + 1] = Long.toString(capacityMicros[i]);
    }
    return args;
  }
}
