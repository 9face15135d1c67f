package io.attache.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.bench.servers.BenchServer;
import io.attache.bench.servers.ServerKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each scenario's servers get the dependencies they need, started anew for the scenario. */
class DependenciesTest {
  @TempDir Path work;

  private final PrintStream progress =
      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @Test
  void eachScenarioStartsWhatItsServersNeedAndNothingElse() {
    assertThat(Dependencies.kinds(Scenario.RATELIMIT_REDIS)).containsExactly(ServerKind.REDIS);
    assertThat(Dependencies.kinds(Scenario.RATELIMIT_REDIS_COALESCED))
        .containsExactly(ServerKind.REDIS);
    assertThat(Dependencies.kinds(Scenario.AUTHZ_EVENTS)).containsExactly(ServerKind.KAFKA);
    assertThat(Dependencies.kinds(Scenario.AUTHZ_TRACED)).containsExactly(ServerKind.OTLP);
    assertThat(Dependencies.kinds(Scenario.RATELIMIT_MEMORY)).isEmpty();
    assertThat(Dependencies.kinds(Scenario.AUTHZ_JWT)).isEmpty();
  }

  @Test
  void theNextRedisScenarioStartsOnAnEmptyRedis() throws Exception {
    Path address = work.resolve(BenchServer.REDIS_ADDRESS);
    Dependencies first = Dependencies.start(Scenario.RATELIMIT_REDIS, work, progress);
    try {
      assertThat(RedisCommand.send(Files.readString(address), "SET left-over 1")).isEqualTo("+OK");
    } finally {
      first.close();
    }

    String keys;
    Dependencies next = Dependencies.start(Scenario.RATELIMIT_REDIS_COALESCED, work, progress);
    try {
      keys = RedisCommand.send(Files.readString(address), "DBSIZE");
    } finally {
      next.close();
    }

    assertThat(keys).isEqualTo(":0");
  }
}
