package io.attache.ratelimit.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.testsupport.redis.RedisSentinel;
import io.attache.testsupport.redis.RedisServer;
import io.attache.testsupport.redis.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** REDIS_TYPE=sentinel: the master is found through a real Redis Sentinel. */
@ExtendWith(RedisServerExtension.class)
class RedisSentinelStoreTest {

  @Test
  void countersReachTheMasterTheSentinelNames(RedisServer master) {
    try (RedisSentinel sentinel = RedisSentinel.watch(master, "ratelimit")) {
      RedisSettings settings =
          new RedisSettings(
              RedisSettings.Type.SENTINEL,
              sentinel.url(),
              RedisSettings.SocketType.TCP,
              "",
              RedisTls.OFF,
              1,
              Duration.ofSeconds(5));
      try (RedisCounterStore store = new RedisCounterStore(settings)) {
        long[] after =
            store
                .increment(new String[] {"sentinel_key"}, new long[] {3}, new long[] {60})
                .toCompletableFuture()
                .join();

        assertThat(after).containsExactly(3);
        assertThat(master.command("GET sentinel_key")).isEqualTo("$1");
      }
    }
  }
}
