package io.attache.ratelimit.store;

/**
 * Sliding windows in Redis: counted in a Lua script ({@link RedisScript}: one call per loop
 * iteration, or per request off the loops, per key on a Cluster), so each count is atomic however
 * many replicas count at once, judged by Redis's own {@code TIME} so replicas with different clocks
 * agree on where a window starts and how much of the previous one still weighs. A window is one
 * hash holding its start ({@code s}, epoch micros), its count ({@code c}) and the previous window's
 * ({@code p}); it rolls over in the script, and expires when it can no longer weigh in (the end of
 * the window after it).
 */
final class RedisSlidingWindows {
  /**
   * One window, {@code key}, with ARGV in threes: the hits, the limit and the window in micros. The
   * same arithmetic as the memory store's, in doubles: the estimate is the previous count times the
   * share of the previous window still inside the sliding one, plus the current count. Hits that
   * fit are counted; hits that do not are refused and count nothing. Answers the estimate after the
   * hits, rounded up, or -1 minus the estimate before them when refused.
   */
  static final String PER_KEY =
      """
      local hits = tonumber(ARGV[3 * i - 2])
      local limit = tonumber(ARGV[3 * i - 1])
      local window = tonumber(ARGV[3 * i])
      local start = now - now % window
      local held = redis.call('HMGET', key, 's', 'c', 'p')
      local from = tonumber(held[1])
      local current, previous = 0, 0
      if from == start then
        current = tonumber(held[2])
        previous = tonumber(held[3])
      elseif from == start - window then
        previous = tonumber(held[2])
      end
      local estimate = previous * (window - (now - start)) / window + current
      if estimate + hits > limit then
        return -1 - math.ceil(estimate)
      end
      if from == start then
        redis.call('HINCRBY', key, 'c', ARGV[3 * i - 2])
      else
        redis.call('HSET', key, 's', string.format('%.0f', start),
          'c', ARGV[3 * i - 2], 'p', string.format('%.0f', previous))
        redis.call('PEXPIRE', key, math.floor((start + 2 * window - now) / 1000) + 1)
      end
      return math.ceil(estimate + hits)
      """;

  static final RedisScript COUNT = new RedisScript(PER_KEY, 3);

  private RedisSlidingWindows() {}

  /**
   * {@link #COUNT}'s arguments for {@link io.attache.ratelimit.core.CounterStore#countSliding}:
   * every window of a request goes in one script call (on a Cluster, one call per window).
   */
  static String[] arguments(long[] hits, long[] limits, long[] windowMicros) {
    String[] args = new String[3 * hits.length];
    for (int i = 0; i < hits.length; i++) {
      args[3 * i] = Long.toString(hits[i]);
      args[3 * i + 1] = Long.toString(limits[i]);
      args[3 * i + 2] = Long.toString(windowMicros[i]);
    }
    return args;
  }
}
