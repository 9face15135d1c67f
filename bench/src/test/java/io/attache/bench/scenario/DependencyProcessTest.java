package io.attache.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.bench.servers.BenchServer;
import io.attache.bench.servers.ServerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Kafka broker and redis-server run in processes of their own, which go, with all they started,
 * when they are closed.
 */
class DependencyProcessTest {
  @TempDir Path work;

  @ParameterizedTest
  @EnumSource(
      value = ServerKind.class,
      names = {"KAFKA", "REDIS"})
  void writesItsAddressForTheServerAndLeavesNothingRunningWhenClosed(ServerKind kind)
      throws Exception {
    Path file = work.resolve(BenchServer.addressFile(kind));
    ServerProcess dependency = start(kind);
    ProcessHandle child = dependency.handle();
    List<ProcessHandle> descendants = child.descendants().toList();
    String address;
    try {
      address = Files.readString(file);
    } finally {
      dependency.close();
    }

    assertThat(address).endsWith(":" + dependency.port());
    assertThat(file).doesNotExist();
    assertThat(child.isAlive()).isFalse();
    assertThat(descendants).noneMatch(ProcessHandle::isAlive);
  }

  @Test
  void redisAnswersAtTheAddressItWrote() throws Exception {
    ServerProcess redis = start(ServerKind.REDIS);
    String pong;
    try {
      pong = RedisCommand.send(Files.readString(work.resolve(BenchServer.REDIS_ADDRESS)), "PING");
    } finally {
      redis.close();
    }

    assertThat(pong).isEqualTo("+PONG");
  }

  private ServerProcess start(ServerKind kind) throws Exception {
    return new ServerProcess(kind, work, work.resolve(kind.argument() + ".log"));
  }
}
