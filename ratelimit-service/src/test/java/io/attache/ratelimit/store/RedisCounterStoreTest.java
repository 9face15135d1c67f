package io.attache.ratelimit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.ratelimit.core.StoreUnavailableException;
import io.attache.testsupport.FreePorts;
import io.attache.testsupport.redis.RedisServer;
import io.attache.testsupport.redis.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Against a real redis-server started by the test. */
@ExtendWith(RedisServerExtension.class)
class RedisCounterStoreTest {

  private static RedisSettings tcp(String url, Duration timeout) {
    return new RedisSettings(
        RedisSettings.Type.SINGLE, url, RedisSettings.SocketType.TCP, "", RedisTls.OFF, 2, timeout);
  }

  private static long[] join(java.util.concurrent.CompletionStage<long[]> stage) {
    return stage.toCompletableFuture().join();
  }

  @Test
  void incrementsEveryKeyInOneCallAndSetsItsExpiry(RedisServer redis) {
    try (RedisCounterStore store =
        new RedisCounterStore(tcp(redis.hostAndPort(), Duration.ofSeconds(2)))) {
      long[] first =
          join(
              store.increment(
                  new String[] {"t1_a", "t1_b"}, new long[] {1, 3}, new long[] {60, 120}));
      long[] second =
          join(
              store.increment(
                  new String[] {"t1_a", "t1_b"}, new long[] {1, 3}, new long[] {60, 120}));

      assertThat(first).containsExactly(1, 3);
      assertThat(second).containsExactly(2, 6);
      long ttl = Long.parseLong(redis.command("TTL t1_b").substring(1));
      assertThat(ttl).isBetween(110L, 120L);
      assertThat(join(store.get(new String[] {"t1_b", "t1_missing"}))).containsExactly(6, 0);
    }
  }

  /**
   * Token buckets (issue #25): a request's buckets are taken from in one script call, each on its
   * own: the small bucket refuses its third take while the large one keeps giving, and the refused
   * take leaves its bucket as it was.
   */
  @Test
  void tokenBucketsOfOneRequestAreTakenInOneScriptCallEachOnItsOwn(RedisServer redis) {
    try (RedisCounterStore store =
        new RedisCounterStore(tcp(redis.hostAndPort(), Duration.ofSeconds(2)))) {
      String[] keys = {"tb_small", "tb_large"};
      long minute = 60_000_000;
      long scriptsBefore = scriptCalls(redis);
      long[] capacities = {2 * minute, 10 * minute};
      List<long[]> takes = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        takes.add(
            join(
                store.takeTokens(
                    keys, new long[] {1, 1}, new long[] {minute, minute}, capacities)));
      }

      assertThat(takes.get(0)[0]).isBetween(minute - 5_000_000, minute);
      assertThat(takes.get(1)[0]).isBetween(2 * minute - 5_000_000, 2 * minute);
      assertThat(takes.get(2)[0]).isNegative();
      assertThat(-1 - takes.get(2)[0]).isBetween(2 * minute - 5_000_000, 2 * minute);
      assertThat(takes.get(2)[1]).isBetween(3 * minute - 5_000_000, 3 * minute);
      assertThat(scriptCalls(redis) - scriptsBefore).as("one script call per take").isEqualTo(3);
    }
  }

  /**
   * Sliding windows (issue #25): a request's windows are counted in one script call, each on its
   * own, by Redis's clock. A fresh window admits its limit and refuses the next hit without
   * counting it; a window whose previous one counted 100 (seeded as the script keeps it) admits
   * only what the previous one's remaining weight leaves.
   */
  @Test
  void slidingWindowsOfOneRequestAreCountedInOneScriptCallAndWeighThePreviousWindow(
      RedisServer redis) {
    long day = 86_400_000_000L;
    io.lettuce.core.RedisClient client =
        io.lettuce.core.RedisClient.create("redis://" + redis.hostAndPort());
    try (RedisCounterStore store =
            new RedisCounterStore(tcp(redis.hostAndPort(), Duration.ofSeconds(2)));
        var connection = client.connect()) {
      var sync = connection.sync();
      List<String> time = sync.time();
      long now = Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
      long start = now - now % day;
      long scriptsBefore = scriptCalls(redis);
      sync.hset("sw_weighted", java.util.Map.of("s", Long.toString(start - day), "c", "100"));
      // What the previous window still weighs; a day's window moves it by 1e-7 a millisecond.
      long weighs = (long) Math.ceil(100 * (double) (day - (now - start)) / day);
      String[] keys = {"sw_fresh", "sw_weighted"};
      long[] limits = {3, 100};
      long[] windows = {day, day};
      List<long[]> counts = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        counts.add(join(store.countSliding(keys, new long[] {1, 0}, limits, windows)));
      }
      long free = 100 - weighs;
      long[] fits = join(store.countSliding(keys, new long[] {0, free}, limits, windows));
      long[] tooMany = join(store.countSliding(keys, new long[] {0, 1}, limits, windows));

      assertThat(counts.stream().mapToLong(c -> c[0])).containsExactly(1L, 2L, 3L, -4L);
      assertThat(counts.get(0)[1]).isEqualTo(weighs);
      assertThat(fits[1]).isEqualTo(100);
      assertThat(tooMany[1]).isEqualTo(-1 - 100);
      assertThat(sync.hgetall("sw_fresh"))
          .containsEntry("s", Long.toString(start))
          .containsEntry("c", "3")
          .containsEntry("p", "0");
      assertThat(sync.hget("sw_weighted", "c")).isEqualTo(Long.toString(free));
      // Kept until it no longer weighs in: the end of the window after this one.
      assertThat(sync.pttl("sw_fresh")).isBetween(day / 1000, 2 * day / 1000 + 1);
      assertThat(scriptCalls(redis) - scriptsBefore).as("one script call per count").isEqualTo(6);
    } finally {
      client.shutdown();
    }
  }

  /**
   * Script calls that ran so far, {@code EVALSHA} and {@code EVAL}: a script goes by digest, and in
   * full after the first {@code NOSCRIPT} (a failed call) on each server, which this class's tests
   * share.
   */
  private static long scriptCalls(RedisServer redis) {
    java.util.regex.Matcher calls =
        java.util.regex.Pattern.compile("cmdstat_eval(?:sha)?:calls=(\\d+),.*failed_calls=(\\d+)")
            .matcher(info(redis));
    long sum = 0;
    while (calls.find()) {
      sum += Long.parseLong(calls.group(1)) - Long.parseLong(calls.group(2));
    }
    return sum;
  }

  private static String info(RedisServer redis) {
    io.lettuce.core.RedisClient client =
        io.lettuce.core.RedisClient.create("redis://" + redis.hostAndPort());
    try (var connection = client.connect()) {
      return connection.sync().info("commandstats");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void sendsIncrbyAndExpirePerKeyAsTheReferenceDoesAndNoScript(RedisServer redis) {
    try (RedisCounterStore store =
        new RedisCounterStore(tcp(redis.hostAndPort(), Duration.ofSeconds(2)))) {
      redis.command("CONFIG RESETSTAT");

      join(store.increment(new String[] {"t2_a", "t2_b"}, new long[] {1, 1}, new long[] {60, 60}));

      String stats = info(redis);
      assertThat(stats).contains("cmdstat_incrby:calls=2,").contains("cmdstat_expire:calls=2,");
      assertThat(stats).doesNotContain("cmdstat_evalsha").doesNotContain("cmdstat_eval:");
    }
  }

  @Test
  void reachesRedisOverItsUnixSocketAsTheReferenceDoesByDefault(RedisServer redis) {
    RedisSettings unix =
        new RedisSettings(
            RedisSettings.Type.SINGLE,
            redis.unixSocket().toString(),
            RedisSettings.SocketType.UNIX,
            "",
            RedisTls.OFF,
            1,
            Duration.ofSeconds(2));
    try (RedisCounterStore store = new RedisCounterStore(unix)) {
      assertThat(join(store.increment(new String[] {"t3"}, new long[] {5}, new long[] {60})))
          .containsExactly(5);
    }
  }

  @Test
  void aRedisThatIsNotThereFailsFastNotSlowly() {
    try (RedisCounterStore store =
        new RedisCounterStore(tcp("127.0.0.1:" + FreePorts.next(), Duration.ofSeconds(5)))) {
      long start = System.nanoTime();
      CompletableFuture<long[]> call =
          store
              .increment(new String[] {"x"}, new long[] {1}, new long[] {60})
              .toCompletableFuture();

      assertThatThrownBy(call::join)
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("not connected");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(store.isConnected()).isFalse();
    }
  }

  @Test
  void aRedisTooSlowToAnswerFailsAtTheTimeout(RedisServer redis) throws Exception {
    try (RedisCounterStore store =
        new RedisCounterStore(tcp(redis.hostAndPort(), Duration.ofMillis(200)))) {
      join(store.increment(new String[] {"t5"}, new long[] {1}, new long[] {60}));
      // A busy script blocks the single-threaded server, as a slow or overloaded Redis would.
      Thread sleeper =
          new Thread(
              () ->
                  redis.command(
                      "EVAL \"local s = redis.call('TIME') local t0 = s[1] * 1000000 + s[2]"
                          + " while true do local n = redis.call('TIME')"
                          + " if n[1] * 1000000 + n[2] - t0 > 1500000 then break end end"
                          + " return 1\" 0"));
      sleeper.start();
      Thread.sleep(100);
      long start = System.nanoTime();

      assertThatThrownBy(
              () -> join(store.increment(new String[] {"t5"}, new long[] {1}, new long[] {60})))
          .hasCauseInstanceOf(StoreUnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
      sleeper.join();
    }
  }
}
