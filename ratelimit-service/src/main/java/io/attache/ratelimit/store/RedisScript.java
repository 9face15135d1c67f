package io.attache.ratelimit.store;

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
 * bucket's take, a sliding window's count), so its keys may be sent in one call or split. Sent by
 * digest ({@code EVALSHA}) and, the first time a Redis has not seen it, in full ({@code EVAL},
 * which also loads it). On a Cluster a script may touch only one node's keys, so each key gets its
 * own call there, all sent together and awaited together.
 */
final class RedisScript {
  private final String text;
  private final String digest;
  private final int argsPerKey;

  /**
   * @param text the script: KEYS[i] with ARGV[argsPerKey × (i − 1) + 1 …], one number per key
   * @param argsPerKey how many ARGV each key takes
   */
  RedisScript(String text, int argsPerKey) {
    this.text = text;
    this.digest = sha1(text);
    this.argsPerKey = argsPerKey;
  }

  String digest() {
    return digest;
  }

  /**
   * Runs the script over every key: in one call, or one call per key when {@code perKey} (a
   * Cluster). {@code args} holds {@code argsPerKey} arguments per key, in key order.
   */
  CompletableFuture<long[]> run(
      RedisScriptingAsyncCommands<String, String> commands,
      boolean perKey,
      String[] keys,
      String[] args) {
    if (!perKey) {
      return call(commands, keys, args);
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<long[]>[] calls = new CompletableFuture[keys.length];
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
                values[i] = calls[i].join()[0];
              }
              return values;
            });
  }

  private CompletableFuture<long[]> call(
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
                    : CompletableFuture.failedFuture(error))
        .thenApply(
            values -> {
              long[] numbers = new long[values.size()];
              for (int i = 0; i < numbers.length; i++) {
                numbers[i] = ((Number) values.get(i)).longValue();
              }
              return numbers;
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
