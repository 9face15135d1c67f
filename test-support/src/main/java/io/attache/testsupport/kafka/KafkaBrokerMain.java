package io.attache.testsupport.kafka;

import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import java.io.IOException;

/**
 * A Kafka broker (KRaft, single node) in a process of its own, for tests that kill the process
 * publishing to it: prints {@code BOOTSTRAP <host:port>} when ready and runs until its standard
 * input closes, which also happens when the test JVM dies.
 */
public final class KafkaBrokerMain {
  private KafkaBrokerMain() {}

  public static void main(String[] args) throws IOException {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startNew()) {
      System.out.println("BOOTSTRAP " + broker.bootstrapServers());
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the parent to go
      }
    }
    System.exit(0);
  }
}
