package io.attache.ratelimit.store;

import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One script's calls made on the server's event loops, sent as one script call per loop iteration:
 * the keys and arguments of every call the loop's reads brought, in arrival order. The script
 * judges its keys one after another in a single atomic run, so each call gets the very answers it
 * would have had sent alone right after the calls before it: exact as before, across replicas too.
 * A key Redis refuses fails the calls that name it, and no other ({@link RedisScript}).
 *
 * <p>Why: running a script costs Redis far more per call than per key (on redis-server 7.0 here,
 * pipelined, a token bucket's two keys cost 8.1 µs of Redis's CPU in a call of their own and 5.6 µs
 * in a call of sixteen keys), and on the service each call is a Lettuce command to encode, track
 * and decode. Sent when the loop has handled the reads in hand, as {@link RedisCounterStore}'s
 * fixed-window writes are, so a batch adds no waiting; the answer comes back on the loop.
 *
 * <p>Only the loop itself touches its open batch, so nothing here locks.
 */
final class ScriptBatches {
  /** Keys past which a batch is sent at once: a script run blocks Redis for its whole length. */
  static final int MAX_KEYS = 256;

  private final RedisScript script;
  private final LoopAffinity<StatefulRedisConnection<String, String>> affinity;
  private final Supplier<StatefulRedisConnection<String, String>> anyConnection;
  private final Batch[] open;

  private static final class Batch {
    final List<String> keys = new ArrayList<>();
    final List<String> args = new ArrayList<>();
    final List<Call> calls = new ArrayList<>();
  }

  /** A call's keys are {@code count} keys of its batch from {@code from}. */
  private record Call(int from, int count, CompletableFuture<long[]> result) {}

  ScriptBatches(
      RedisScript script,
      LoopAffinity<StatefulRedisConnection<String, String>> affinity,
      Supplier<StatefulRedisConnection<String, String>> anyConnection) {
    this.script = script;
    this.affinity = affinity;
    this.anyConnection = anyConnection;
    this.open = new Batch[affinity.loops()];
  }

  /**
   * Joins {@code loop}'s batch, which must be the running thread's ({@link
   * LoopAffinity#currentLoop}); {@code args} holds the script's arguments for these keys.
   */
  CompletableFuture<long[]> call(int loop, String[] keys, String[] args) {
    script.checkArguments(keys, args);
    Batch batch = open[loop];
    if (batch == null) {
      Batch opened = new Batch();
      // Scheduled before it is open: a loop shutting down refuses the task, and the call fails
      // here rather than waiting in a batch nothing will send.
      affinity.loop(loop).execute(() -> sendIfOpen(loop, opened));
      open[loop] = opened;
      batch = opened;
    }
    CompletableFuture<long[]> result = new CompletableFuture<>();
    batch.calls.add(new Call(batch.keys.size(), keys.length, result));
    batch.keys.addAll(Arrays.asList(keys));
    batch.args.addAll(Arrays.asList(args));
    if (batch.keys.size() >= MAX_KEYS) {
      open[loop] = null;
      send(loop, batch);
    }
    return result;
  }

  private void sendIfOpen(int loop, Batch batch) {
    if (open[loop] == batch) {
      open[loop] = null;
      send(loop, batch);
    }
  }

  private void send(int loop, Batch batch) {
    try {
      StatefulRedisConnection<String, String> connection = affinity.connection(loop);
      script
          .call(
              (connection != null ? connection : anyConnection.get()).async(),
              batch.keys.toArray(new String[0]),
              batch.args.toArray(new String[0]))
          .whenComplete((values, error) -> answer(batch, values, error));
    } catch (RuntimeException e) {
      answer(batch, null, e); // never leave a caller unanswered
    }
  }

  /** Each call its own numbers, or its own error: a key Redis refused fails only its calls. */
  private static void answer(Batch batch, List<Object> values, Throwable error) {
    for (Call call : batch.calls) {
      if (error != null) {
        call.result().completeExceptionally(error);
        continue;
      }
      try {
        call.result().complete(RedisScript.numbers(values, call.from(), call.count()));
      } catch (RuntimeException refused) {
        call.result().completeExceptionally(refused);
      }
    }
  }
}
