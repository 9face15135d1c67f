package io.attache.ratelimit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.ratelimit.core.CounterStore;
import io.attache.testsupport.redis.RedisServer;
import io.attache.testsupport.redis.RedisServerExtension;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Redis client on the gRPC server's event loops, against a real redis-server: a call made on a
 * loop is answered on that loop, so the gRPC answer needs no hand-off between threads.
 */
@ExtendWith(RedisServerExtension.class)
class RedisOnSharedLoopsTest {
  private static final int POOL = 16; // more than the loops, so every loop gets a connection

  private static RedisSettings tcp(String url) {
    return new RedisSettings(
        RedisSettings.Type.SINGLE,
        url,
        RedisSettings.SocketType.TCP,
        "",
        RedisTls.OFF,
        POOL,
        Duration.ofSeconds(2));
  }

  @Test
  void aCallMadeOnALoopIsAnsweredOnThatLoop(RedisServer redis) throws Exception {
    try (NettyEventLoops loops = NettyEventLoops.create();
        RedisCounterStore store =
            new RedisCounterStore(tcp(redis.hostAndPort()), Optional.of(loops.group()))) {
      // Several calls per loop, so a pool handed out in turn would sooner or later answer on
      // another loop.
      for (EventExecutor loop : executors(loops)) {
        for (int call = 0; call < 3; call++) {
          assertThat(answeredOnCallingLoop(store, loop, "shared_a"))
              .as("call %d answered on %s", call, loop)
              .isTrue();
        }
      }
    }
  }

  @Test
  void afterRedisDropsTheConnectionsCallsAreStillAnsweredOnTheirLoop(RedisServer redis)
      throws Exception {
    try (NettyEventLoops loops = NettyEventLoops.create();
        RedisCounterStore store =
            new RedisCounterStore(tcp(redis.hostAndPort()), Optional.of(loops.group()))) {
      redis.command("CLIENT KILL TYPE normal");
      // Reconnecting may put a connection on another loop; the map follows it.
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                for (EventExecutor loop : executors(loops)) {
                  for (int call = 0; call < 3; call++) {
                    assertThat(answeredOnCallingLoop(store, loop, "shared_b")).isTrue();
                  }
                }
              });
    }
  }

  @Test
  void aCallMadeOffTheLoopsIsStillCounted(RedisServer redis) {
    try (NettyEventLoops loops = NettyEventLoops.create();
        RedisCounterStore store =
            new RedisCounterStore(tcp(redis.hostAndPort()), Optional.of(loops.group()))) {
      long[] first =
          store
              .increment(new String[] {"shared_c"}, new long[] {2}, new long[] {60})
              .toCompletableFuture()
              .join();
      long[] second =
          store
              .increment(new String[] {"shared_c"}, new long[] {2}, new long[] {60})
              .toCompletableFuture()
              .join();

      assertThat(first).containsExactly(2);
      assertThat(second).containsExactly(4);
    }
  }

  @Test
  void coalescedCallsMadeOnALoopAreFlushedAndAnsweredOnThatLoop(RedisServer redis)
      throws Exception {
    try (NettyEventLoops loops = NettyEventLoops.create();
        CounterStore store =
            new CoalescingCounterStore(
                new RedisCounterStore(tcp(redis.hostAndPort()), Optional.of(loops.group())),
                Duration.ofMillis(1),
                loops.lanes())) {
      for (EventExecutor loop : executors(loops)) {
        for (int call = 0; call < 3; call++) {
          assertThat(answeredOnCallingLoop(store, loop, "shared_d"))
              .as("call %d answered on %s", call, loop)
              .isTrue();
        }
      }
    }
  }

  /**
   * Token-bucket takes made in one loop iteration share one script run (issue #25): Redis counts
   * one {@code EVALSHA} for forty calls, and each call gets the answers it would have had alone, in
   * arrival order. Each call takes from two buckets, of burst 25 and 10, refilled once a minute:
   * the first 25 calls get a token from the first, the first 10 from the second.
   */
  @Test
  void tokenBucketTakesOfOneLoopIterationShareOneScriptRun(RedisServer redis) throws Exception {
    long emission = 60_000_000;
    try (NettyEventLoops loops = NettyEventLoops.create();
        RedisCounterStore store =
            new RedisCounterStore(tcp(redis.hostAndPort()), Optional.of(loops.group()))) {
      countFromHere(
          redis,
          store.takeTokens(new String[] {"warm"}, new long[] {1}, new long[] {1}, new long[] {1}));

      List<CompletableFuture<long[]>> calls =
          onOneLoopIteration(
              loops,
              40,
              () ->
                  store.takeTokens(
                      new String[] {"batched_a", "batched_b"},
                      new long[] {1, 1},
                      new long[] {emission, emission},
                      new long[] {25 * emission, 10 * emission}));

      for (int i = 0; i < calls.size(); i++) {
        long[] answers = calls.get(i).get(10, TimeUnit.SECONDS);
        assertThat(answers).as("call %d", i).hasSize(2);
        assertThat(answers[0] >= 0).as("call %d, burst 25", i).isEqualTo(i < 25);
        assertThat(answers[1] >= 0).as("call %d, burst 10", i).isEqualTo(i < 10);
      }
      assertThat(scriptRuns(redis)).isEqualTo(1);
    }
  }

  /**
   * Sliding-window counts of one loop iteration share one script run too, each counted after the
   * ones before it: with a limit of 7, calls 0 to 6 are admitted and the rest refused.
   */
  @Test
  void slidingWindowCountsOfOneLoopIterationShareOneScriptRun(RedisServer redis) throws Exception {
    try (NettyEventLoops loops = NettyEventLoops.create();
        RedisCounterStore store =
            new RedisCounterStore(tcp(redis.hostAndPort()), Optional.of(loops.group()))) {
      countFromHere(
          redis,
          store.countSliding(
              new String[] {"warm_sw"}, new long[] {1}, new long[] {1}, new long[] {1_000_000}));

      List<CompletableFuture<long[]>> calls =
          onOneLoopIteration(
              loops,
              12,
              () ->
                  store.countSliding(
                      new String[] {"batched_sw"},
                      new long[] {1},
                      new long[] {7},
                      new long[] {86_400_000_000L}));

      for (int i = 0; i < calls.size(); i++) {
        long answer = calls.get(i).get(10, TimeUnit.SECONDS)[0];
        assertThat(answer).as("call %d", i).isEqualTo(i < 7 ? i + 1 : -1 - 7);
      }
      assertThat(scriptRuns(redis)).isEqualTo(1);
    }
  }

  /**
   * A key Redis refuses (here a string where a sliding window keeps a hash) fails the calls that
   * name it and no other call of the same script run: the calls before and after it are counted and
   * answered as if each had been sent alone.
   */
  @Test
  void aKeyRedisRefusesFailsOnlyTheCallsThatNameIt(RedisServer redis) throws Exception {
    try (NettyEventLoops loops = NettyEventLoops.create();
        RedisCounterStore store =
            new RedisCounterStore(tcp(redis.hostAndPort()), Optional.of(loops.group()))) {
      redis.command("SET refused_sw notahash");
      countFromHere(
          redis,
          store.countSliding(
              new String[] {"warm_sw2"}, new long[] {1}, new long[] {1}, new long[] {1_000_000}));
      String[] keys = {"counted_sw", "refused_sw", "counted_sw"};
      int[] next = {0};

      List<CompletableFuture<long[]>> calls =
          onOneLoopIteration(
              loops,
              3,
              () ->
                  store.countSliding(
                      new String[] {keys[next[0]++]},
                      new long[] {1},
                      new long[] {7},
                      new long[] {86_400_000_000L}));

      assertThat(calls.get(0).get(10, TimeUnit.SECONDS)).containsExactly(1);
      assertThat(calls.get(1))
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withCauseInstanceOf(io.attache.ratelimit.core.StoreUnavailableException.class)
          .withMessageContaining("WRONGTYPE");
      assertThat(calls.get(2).get(10, TimeUnit.SECONDS)).containsExactly(2);
      assertThat(scriptRuns(redis)).isEqualTo(1);
    }
  }

  /**
   * Waits for a first call, which loads the script (so the calls counted after it are all {@code
   * EVALSHA}), then zeroes Redis's command counts.
   */
  private static void countFromHere(
      RedisServer redis, java.util.concurrent.CompletionStage<long[]> first) throws Exception {
    first.toCompletableFuture().get(10, TimeUnit.SECONDS);
    redis.command("CONFIG RESETSTAT");
  }

  /** How many {@code EVALSHA} Redis ran since its statistics were reset. */
  private static int scriptRuns(RedisServer redis) {
    io.lettuce.core.RedisClient client =
        io.lettuce.core.RedisClient.create("redis://" + redis.hostAndPort());
    try (var connection = client.connect()) {
      java.util.regex.Matcher calls =
          java.util.regex.Pattern.compile("cmdstat_evalsha:calls=(\\d+),")
              .matcher(connection.sync().info("commandstats"));
      return calls.find() ? Integer.parseInt(calls.group(1)) : 0;
    } finally {
      client.shutdown();
    }
  }

  /** {@code count} calls made one after another in one task of the first loop. */
  private static List<CompletableFuture<long[]>> onOneLoopIteration(
      NettyEventLoops loops,
      int count,
      java.util.function.Supplier<java.util.concurrent.CompletionStage<long[]>> call)
      throws Exception {
    List<CompletableFuture<long[]>> calls = new ArrayList<>();
    executors(loops)
        .get(0)
        .submit(
            () -> {
              for (int i = 0; i < count; i++) {
                calls.add(call.get().toCompletableFuture());
              }
            })
        .get(10, TimeUnit.SECONDS);
    return calls;
  }

  private static List<EventExecutor> executors(NettyEventLoops loops) {
    List<EventExecutor> executors = new ArrayList<>();
    loops.group().forEach(executors::add);
    return executors;
  }

  /** Increments a key from the loop; true when the answer completed on that same loop. */
  private static boolean answeredOnCallingLoop(CounterStore store, EventExecutor loop, String key)
      throws Exception {
    CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
    loop.execute(
        () ->
            store
                .increment(new String[] {key}, new long[] {1}, new long[] {60})
                .whenComplete(
                    (counts, error) -> {
                      if (error != null) {
                        onLoop.completeExceptionally(error);
                      } else {
                        onLoop.complete(loop.inEventLoop());
                      }
                    }));
    return onLoop.get(10, TimeUnit.SECONDS);
  }
}
