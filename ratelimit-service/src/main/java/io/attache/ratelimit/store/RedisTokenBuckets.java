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
   * KEYS the buckets; ARGV per bucket, in pairs, the cost (hits × emission micros) and the capacity
   * in micros (burst × emission). Each bucket is taken from on its own, as each fixed window is
   * counted on its own. Numbers stay below 2^53, exact in Lua's doubles; stored with %.0f so no
   * digit is lost to tostring's 14 significant digits. Returns per bucket the micros until it is
   * full, or -1 minus that when the take was refused.
   */
  static final String SCRIPT =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local result = {}
      for i, key in ipairs(KEYS) do
        local tat = tonumber(redis.call('GET', key))
        if tat == nil or tat < now then tat = now end
        local after = tat + tonumber(ARGV[2 * i - 1])
        if after - now > tonumber(ARGV[2 * i]) then
          result[i] = -1 - (tat - now)
        else
          redis.call('SET', key, string.format('%.0f', after), 'PX', math.floor((after - now) / 1000) + 1)
          result[i] = after - now
        end
      end
      return result
      """;

  static final String DIGEST = sha1(SCRIPT);

  private RedisTokenBuckets() {}

  /**
   * {@link io.attache.ratelimit.core.CounterStore#takeTokens}, on {@code commands}: every bucket in
   * one script call, so a request's buckets cost one command and one round trip; on a Cluster
   * ({@code perKey}), one call per bucket, since one script may only touch one node's keys.
   */
  static CompletableFuture<long[]> take(
      RedisScriptingAsyncCommands<String, String> commands,
      boolean perKey,
      String[] keys,
      long[] hits,
      long[] emissionMicros,
      long[] capacityMicros) {
    if (!perKey) {
      return script(commands, keys, hits, emissionMicros, capacityMicros, 0, keys.length);
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<long[]>[] takes = new CompletableFuture[keys.length];
    for (int i = 0; i < keys.length; i++) {
      takes[i] = script(commands, keys, hits, emissionMicros, capacityMicros, i, i + 1);
    }
    return CompletableFuture.allOf(takes)
        .thenApply(
            done -> {
              long[] fullIn = new long[takes.length];
              for (int i = 0; i < takes.length; i++) {
                fullIn[i] = takes[i].join()[0];
              }
              return fullIn;
            });
  }

  /** The script over buckets {@code from} to {@code to}: by digest, in full if Redis lacks it. */
  private static CompletableFuture<long[]> script(
      RedisScriptingAsyncCommands<String, String> commands,
      String[] keys,
      long[] hits,
      long[] emissionMicros,
      long[] capacityMicros,
      int from,
      int to) {
    String[] scriptKeys = java.util.Arrays.copyOfRange(keys, from, to);
    String[] args = new String[2 * scriptKeys.length];
    for (int i = from; i < to; i++) {
      args[2 * (i - from)] = Long.toString(hits[i] * emissionMicros[i]);
      args[2 * (i - from) + 1] = Long.toString(capacityMicros[i]);
    }
    return commands
        .<java.util.List<Object>>evalsha(DIGEST, ScriptOutputType.MULTI, scriptKeys, args)
        .toCompletableFuture()
        .exceptionallyCompose(
            error ->
                noScript(error)
                    ? commands
                        .<java.util.List<Object>>eval(
                            SCRIPT, ScriptOutputType.MULTI, scriptKeys, args)
                        .toCompletableFuture()
                    : CompletableFuture.failedFuture(error))
        .thenApply(
            values -> {
              long[] fullIn = new long[values.size()];
              for (int i = 0; i < fullIn.length; i++) {
                fullIn[i] = ((Number) values.get(i)).longValue();
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
