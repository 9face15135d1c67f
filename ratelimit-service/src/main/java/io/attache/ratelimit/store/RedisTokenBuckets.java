package io.attache.ratelimit.store;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * Token buckets in Redis: GCRA as one Lua script per bucket, so each take is atomic however many
 * replicas take at once, judged by Redis's own {@code TIME} so replicas with different clocks
 * agree. The bucket is one key holding its theoretical arrival time in epoch micros, expiring when
 * the bucket is full again. The script is sent by digest ({@code EVALSHA}) and, the first time a
 * Redis has not seen it, in full ({@code EVAL}, which also loads it). On a Cluster each key's
 * script goes to the key's node; the takes of one request are sent together and awaited together.
 */
final class RedisTokenBuckets {
  /**
   * KEYS[1] the bucket; ARGV[1] the cost (hits × emission micros), ARGV[2] the capacity in micros
   * (burst × emission). Numbers stay below 2^53, exact in Lua's doubles; stored with %.0f so no
   * digit is lost to tostring's 14 significant digits.
   */
  static final String SCRIPT =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local tat = tonumber(redis.call('GET', KEYS[1]))
      if tat == nil or tat < now then tat = now end
      local after = tat + tonumber(ARGV[1])
      if after - now > tonumber(ARGV[2]) then
        return -1 - (tat - now)
      end
      redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX', math.floor((after - now) / 1000) + 1)
      return after - now
      """;

  static final String DIGEST = sha1(SCRIPT);

  private RedisTokenBuckets() {}

  /** {@link io.attache.ratelimit.core.CounterStore#takeTokens}, on {@code commands}. */
  static CompletableFuture<long[]> take(
      RedisScriptingAsyncCommands<String, String> commands,
      String[] keys,
      long[] hits,
      long[] emissionMicros,
      long[] capacityMicros) {
    @SuppressWarnings("unchecked")
    CompletableFuture<Long>[] takes = new CompletableFuture[keys.length];
    for (int i = 0; i < keys.length; i++) {
      String[] key = {keys[i]};
      String cost = Long.toString(hits[i] * emissionMicros[i]);
      String capacity = Long.toString(capacityMicros[i]);
      takes[i] =
          commands
              .<Long>evalsha(DIGEST, ScriptOutputType.INTEGER, key, cost, capacity)
              .toCompletableFuture()
              .exceptionallyCompose(
                  error ->
                      noScript(error)
                          ? commands
                              .<Long>eval(SCRIPT, ScriptOutputType.INTEGER, key, cost, capacity)
                              .toCompletableFuture()
                          : CompletableFuture.failedFuture(error));
    }
    return CompletableFuture.allOf(takes)
        .thenApply(
            done -> {
              long[] fullIn = new long[takes.length];
              for (int i = 0; i < takes.length; i++) {
                fullIn[i] = takes[i].join();
              }
              return fullIn;
            });
  }

  private static boolean noScript(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    return cause instanceof RedisNoScriptException
        || String.valueOf(cause.getMessage()).startsWith("NOSCRIPT");
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }
}
