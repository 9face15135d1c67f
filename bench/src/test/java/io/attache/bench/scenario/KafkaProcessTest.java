package io.attache.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.bench.servers.BenchServer;
import io.attache.bench.servers.ServerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The events scenario's broker runs in a process of its own, which goes when it is closed. */
class KafkaProcessTest {
  @TempDir Path work;

  @Test
  void theBrokerWritesItsAddressForTheServerAndLeavesNothingRunningWhenClosed() throws Exception {
    Path bootstrap = work.resolve(BenchServer.KAFKA_BOOTSTRAP);
    ServerProcess kafka = new ServerProcess(ServerKind.KAFKA, work, work.resolve("kafka.log"));
    ProcessHandle child = kafka.handle();
    String address;
    try {
      address = Files.readString(bootstrap);
    } finally {
      kafka.close();
    }

    assertThat(address).isEqualTo("localhost:" + kafka.port());
    assertThat(child.isAlive()).isFalse();
    assertThat(bootstrap).doesNotExist();
  }
}
