package io.attache.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.testsupport.redis.RedisServer;
import io.attache.testsupport.redis.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisServerExtension.class)
class RedisServerTest {

  @Test
  void aStartedServerCountsWithIncrBy(RedisServer redis) {
    assertThat(redis.command("INCRBY counter 3")).isEqualTo(":3");
    assertThat(redis.command("INCRBY counter 2")).isEqualTo(":5");
  }

  @Test
  void everyTestOfAClassSharesOneServer(RedisServer first, RedisServer second) {
    assertThat(first.port()).isEqualTo(second.port());
  }
}
