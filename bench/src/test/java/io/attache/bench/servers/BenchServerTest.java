package io.attache.bench.servers;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server whose dependency has not been started says which command starts it. */
class BenchServerTest {
  @TempDir Path work;

  @Test
  void aRedisServerWithoutTheRedisProcessNamesTheCommandToStartItFirst() {
    assertThatThrownBy(() -> BenchServer.start(ServerKind.RATELIMIT_REDIS, work))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "no redis: start `bench server redis "
                + work
                + "` first (it writes "
                + work.resolve(BenchServer.REDIS_ADDRESS)
                + ")");
  }
}
