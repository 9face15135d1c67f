package io.attache.ratelimit.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.testsupport.redis.RedisCluster;
import io.attache.testsupport.redis.RedisServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** REDIS_TYPE=cluster against a real three-master Redis Cluster started by the test. */
class RedisClusterStoreTest {
  private static RedisCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start(3);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Test
  void countersSpreadOverNodesAreIncrementedInOneRequest() {
    RedisSettings settings = clusterSettings();
    String[] keys = new String[12];
    long[] hits = new long[keys.length];
    long[] ttls = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "domain_user_u" + i + "_1700000000";
      hits[i] = i + 1;
      ttls[i] = 90;
    }
    try (RedisCounterStore store = new RedisCounterStore(settings)) {
      store.increment(keys, hits, ttls).toCompletableFuture().join();
      long[] after = store.increment(keys, hits, ttls).toCompletableFuture().join();

      for (int i = 0; i < keys.length; i++) {
        assertThat(after[i]).isEqualTo(2L * (i + 1));
      }
      assertThat(store.get(keys).toCompletableFuture().join()).containsExactly(after);
    }
    Set<Integer> nodesHoldingKeys = new HashSet<>();
    for (RedisServer node : cluster.nodes()) {
      if (!node.command("DBSIZE").equals(":0")) {
        nodesHoldingKeys.add(node.port());
      }
    }
    assertThat(nodesHoldingKeys).as("keys land on several nodes").hasSizeGreaterThan(1);
  }

  /**
   * Token buckets (issue #25) on a Cluster: each bucket's script goes to its key's node; a bucket
   * of 3 lets 3 takes through and refuses the fourth, whatever node holds it.
   */
  @Test
  void tokenBucketsSpreadOverNodesAreTakenFromByScript() {
    RedisSettings settings = clusterSettings();
    String[] keys = new String[6];
    long[] hits = new long[keys.length];
    long[] emission = new long[keys.length];
    long[] capacity = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "domain_user_b" + i + "_tb";
      hits[i] = 1;
      emission[i] = 60_000_000; // one token a minute: none comes back during the test
      capacity[i] = 3 * emission[i];
    }
    try (RedisCounterStore store = new RedisCounterStore(settings)) {
      for (int take = 0; take < 3; take++) {
        long[] fullIn =
            store.takeTokens(keys, hits, emission, capacity).toCompletableFuture().join();
        for (long micros : fullIn) {
          assertThat(micros)
              .isBetween((take + 1) * emission[0] - 5_000_000, (take + 1) * emission[0]);
        }
      }
      long[] fourth = store.takeTokens(keys, hits, emission, capacity).toCompletableFuture().join();

      assertThat(java.util.Arrays.stream(fourth).boxed().toList())
          .allSatisfy(refused -> assertThat(refused).isNegative());
    }
  }

  /**
   * Sliding windows (issue #25) on a Cluster: each window's script goes to its key's node; a limit
   * of 3 in a day's window counts 1, 2, 3 and refuses the fourth, whatever node holds it.
   */
  @Test
  void slidingWindowsSpreadOverNodesAreCountedByScript() {
    RedisSettings settings = clusterSettings();
    String[] keys = new String[6];
    long[] hits = new long[keys.length];
    long[] limits = new long[keys.length];
    long[] windows = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "domain_user_s" + i + "_sw";
      hits[i] = 1;
      limits[i] = 3;
      windows[i] = 86_400_000_000L;
    }
    try (RedisCounterStore store = new RedisCounterStore(settings)) {
      for (int count = 1; count <= 4; count++) {
        long[] counted =
            store.countSliding(keys, hits, limits, windows).toCompletableFuture().join();
        long expected = count <= 3 ? count : -1 - 3;
        assertThat(java.util.Arrays.stream(counted).boxed().toList())
            .allSatisfy(value -> assertThat(value).isEqualTo(expected));
      }
    }
  }

  private static RedisSettings clusterSettings() {
    return new RedisSettings(
        RedisSettings.Type.CLUSTER,
        cluster.nodesUrl(),
        RedisSettings.SocketType.TCP,
        "",
        RedisTls.OFF,
        1,
        Duration.ofSeconds(5));
  }
}
