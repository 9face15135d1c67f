package io.attache.ratelimit.store;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A Lua script that judges each of its keys on its own and answers one number per key (a token
 * bucket's take, a sliding window's count), so its keys may be sent in one call or split: several
 * requests' keys in one call ({@link ScriptBatches}), or one call per key on a Cluster. Sent by
 * digest ({@code EVALSHA}) and, the first time a Redis has not seen it, in full ({@code EVAL},
 * which also loads it). On a Cluster a script may touch only one node's keys, so each key gets its
 * own call there, all sent together and awaited together.
 *
 * <p>Each key is judged under Lua's {@code pcall}: a key Redis refuses (one of another type, say)
 * answers its error in its place and the keys after it are judged all the same, so one bad key
 * fails the requests that name it and no other request sharing the call. Redis's own {@code TIME}
 * is read once per call.
 */
final class RedisScript {
  private static final String HEAD =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local function judge(i, key)
      """;
  private static final String TAIL =
      """
      end
      local result = {}
      for i, key in ipairs(KEYS) do
        local ok, value = pcall(judge, i, key)
        if ok then
          result[i] = value
        elseif type(value) == 'table' then
          result[i] = tostring(value.err)
        else
          result[i] = tostring(value)
        end
      end
      return result
      """;

  private final String text;
  private final String digest;
  private final int argsPerKey;

  /**
   * @param perKey the body of {@code judge(i, key)}, which judges KEYS[i] with ARGV[argsPerKey × (i
   *     − 1) + 1 …] at {@code now} (epoch micros, Redis's clock) and returns its number
   * @param argsPerKey how many ARGV each key takes
   */
  RedisScript(String perKey, int argsPerKey) {
    this.text = HEAD + perKey + TAIL;
    this.digest = sha1(text);
    this.argsPerKey = argsPerKey;
  }

  String digest() {
    return digest;
  }

  /** Fails unless {@code args} holds {@code argsPerKey} arguments for each of {@code keys}. */
  void checkArguments(String[] keys, String[] args) {
    if (args.length != keys.length * argsPerKey) {
      throw new IllegalArgumentException(
          keys.length
              + " keys need "
              + keys.length * argsPerKey
              + " arguments, not "
              + args.length);
    }
  }

  /**
   * Runs the script over every key: in one call, or one call per key when {@code perKey} (a
   * Cluster). {@code args} holds {@code argsPerKey} arguments per key, in key order. Fails when
   * Redis refused any key.
   */
  CompletableFuture<long[]> run(
      RedisScriptingAsyncCommands<String, String> commands,
      boolean perKey,
      String[] keys,
      String[] args) {
    checkArguments(keys, args);
    if (!perKey) {
      return call(commands, keys, args).thenApply(values -> numbers(values, 0, keys.length));
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<List<Object>>[] calls = new CompletableFuture[keys.length];
    for (int i = 0; i < keys.length; i++) {
      calls[i] =
          call(
              commands,
              new String[] {keys[i]},
              Arrays.copyOfRange(args, i * argsPerKey, (i + 1) * argsPerKey));
    }
    return CompletableFuture.allOf(calls)
        .thenApply(
            done -> {
              long[] values = new long[calls.length];
              for (int i = 0; i < calls.length; i++) {
                values[i] = numbers(calls[i].join(), 0, 1)[0];
              }
              return values;
            });
  }

  /** The script's answers for the keys as Redis gave them: a number, or the key's error. */
  CompletableFuture<List<Object>> call(
      RedisScriptingAsyncCommands<String, String> commands, String[] keys, String[] args) {
    return commands
        .<List<Object>>evalsha(digest, ScriptOutputType.MULTI, keys, args)
        .toCompletableFuture()
        .exceptionallyCompose(
            error ->
                noScript(error)
                    ? commands
                        .<List<Object>>eval(text, ScriptOutputType.MULTI, keys, args)
                        .toCompletableFuture()
                    : CompletableFuture.failedFuture(error));
  }

  /**
   * The numbers answered for the {@code count} keys from {@code from}; fails with Redis's error
   * when it refused one of them, or when the answer is short.
   */
  static long[] numbers(List<Object> values, int from, int count) {
    if (values.size() < from + count) {
      throw new RedisCommandExecutionException(
          "the script answered " + values.size() + " values for " + (from + count) + " keys");
    }
    long[] numbers = new long[count];
    for (int i = 0; i < count; i++) {
      Object value = values.get(from + i);
      if (!(value instanceof Number number)) {
        throw new RedisCommandExecutionException(String.valueOf(value));
      }
      numbers[i] = number.longValue();
    }
    return numbers;
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
