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
