package io.attache.testsupport.kafka;

import io.attache.testsupport.process.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A Kafka broker in a process of its own ({@link KafkaBrokerMain}), for tests that kill the JVM
 * publishing to it: the broker, and what it acknowledged, outlive that JVM.
 */
public final class KafkaBrokerProcess implements AutoCloseable {
  private final ChildJvm jvm;
  private final String bootstrapServers;

  private KafkaBrokerProcess(ChildJvm jvm, String bootstrapServers) {
    this.jvm = jvm;
    this.bootstrapServers = bootstrapServers;
  }

  /** Starts the broker, its output in {@code log}, and waits until it takes connections. */
  public static KafkaBrokerProcess start(Path log) {
    ChildJvm jvm = ChildJvm.start(KafkaBrokerMain.class.getName(), Map.of(), log);
    try {
      return new KafkaBrokerProcess(jvm, jvm.awaitLine("BOOTSTRAP ", Duration.ofSeconds(60)));
    } catch (RuntimeException e) {
      jvm.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    jvm.close();
  }
}
