package io.attache.kafka.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Kafka cluster (KRaft, broker and controller in one process) inside the test JVM.
 *
 * <p>It keeps its ports and its log directory across {@link #stop()} and {@link #start()}, so a
 * test can take the broker away and bring the same cluster back, with the data it held, as an
 * operator's restart would.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final String CONTROLLER_LISTENER = "CONTROLLER";

  private final Path logDir;
  private final int brokerPort;
  private final int controllerPort;
  private final int partitions;
  private final boolean ownsLogDir;
  private Ssl ssl;
  private int sslPort;
  private boolean formatted;
  private KafkaRaftServer server;

  private EmbeddedKafkaBroker(
      Path logDir, boolean ownsLogDir, int partitions, int brokerPort, int controllerPort) {
    this.logDir = logDir;
    this.ownsLogDir = ownsLogDir;
    this.partitions = partitions;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.formatted = Files.exists(logDir.resolve("meta.properties"));
  }

  /**
   * Starts a broker keeping its data in {@code logDir} (formatted on first use, reused after), on
   * {@code brokerPort} for clients and {@code controllerPort} for its controller.
   */
  public static EmbeddedKafkaBroker start(Path logDir, int brokerPort, int controllerPort) {
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    EmbeddedKafkaBroker broker =
        new EmbeddedKafkaBroker(logDir, false, 3, brokerPort, controllerPort);
    broker.start();
    return broker;
  }

  /** Formats a fresh temporary log directory and starts a broker on it. */
  public static EmbeddedKafkaBroker startNew() {
    return startNew(3);
  }

  /** As {@link #startNew()}, with this many partitions for auto-created topics. */
  public static EmbeddedKafkaBroker startNew(int partitions) {
    try {
      EmbeddedKafkaBroker broker =
          new EmbeddedKafkaBroker(
              Files.createTempDirectory("attache-kafka-"),
              true,
              partitions,
              freePort(),
              freePort());
      broker.start();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The broker's TLS listener: its certificate chain and PKCS#8 key, and the CAs whose client
   * certificates it accepts (all PEM text); {@code requireClientCertificates} makes it mutual.
   */
  public record Ssl(
      String certificateChain, String key, String trustedCas, boolean requireClientCertificates) {}

  /**
   * As {@link #startNew()}, with an SSL listener besides the plaintext one ({@link
   * #sslBootstrapServers()}): clients reach the same topics over either.
   */
  public static EmbeddedKafkaBroker startNewWithSsl(Ssl ssl) {
    try {
      EmbeddedKafkaBroker broker =
          new EmbeddedKafkaBroker(
              Files.createTempDirectory("attache-kafka-"), true, 3, freePort(), freePort());
      broker.ssl = ssl;
      broker.sslPort = freePort();
      broker.start();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code host:port} of the SSL listener of a broker from {@link #startNewWithSsl}. */
  public String sslBootstrapServers() {
    if (ssl == null) {
      throw new IllegalStateException("this broker has no SSL listener");
    }
    return "localhost:" + sslPort;
  }

  /** Starts (or restarts) the broker; the first start formats the log directory. */
  public synchronized void start() {
    if (server != null) {
      return;
    }
    try {
      if (!formatted) {
        format();
        formatted = true;
      }
      KafkaRaftServer started = new KafkaRaftServer(new KafkaConfig(config()), Time.SYSTEM);
      started.startup();
      server = started;
    } catch (Exception e) {
      throw new IllegalStateException("the embedded Kafka broker did not start in " + logDir, e);
    }
  }

  /** Shuts the broker down and waits until it has; the data stays for the next {@link #start()}. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    server.shutdown();
    server.awaitShutdown();
    server = null;
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "localhost:" + brokerPort;
  }

  @Override
  public void close() {
    stop();
    if (ownsLogDir) {
      deleteRecursively(logDir);
    }
  }

  private void format() throws Exception {
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(1)
        .setClusterId(Uuid.randomUuid().toString())
        .addDirectory(logDir.toString())
        .setMetadataLogDirectory(logDir.toString())
        .setControllerListenerName(CONTROLLER_LISTENER)
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .run();
  }

  private static int freePort() {
    return LoopbackPorts.free();
  }

  private Map<String, Object> config() {
    Map<String, Object> config = new HashMap<>();
    config.put("process.roles", "broker,controller");
    config.put("node.id", "1");
    config.put("controller.quorum.voters", "1@localhost:" + controllerPort);
    String sslListener = ssl == null ? "" : ",SSL://localhost:" + sslPort;
    config.put(
        "listeners",
        "PLAINTEXT://localhost:"
            + brokerPort
            + sslListener
            + ","
            + CONTROLLER_LISTENER
            + "://localhost:"
            + controllerPort);
    config.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort + sslListener);
    config.put("controller.listener.names", CONTROLLER_LISTENER);
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT" + (ssl == null ? "" : ",SSL:SSL"));
    if (ssl != null) {
      config.put("listener.name.ssl.ssl.keystore.type", "PEM");
      config.put("listener.name.ssl.ssl.keystore.certificate.chain", ssl.certificateChain());
      config.put("listener.name.ssl.ssl.keystore.key", ssl.key());
      config.put("listener.name.ssl.ssl.truststore.type", "PEM");
      config.put("listener.name.ssl.ssl.truststore.certificates", ssl.trustedCas());
      config.put(
          "listener.name.ssl.ssl.client.auth",
          ssl.requireClientCertificates() ? "required" : "none");
    }
    config.put("log.dirs", logDir.toString());
    config.put("num.partitions", String.valueOf(partitions));
    config.put("auto.create.topics.enable", "true");
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", "1");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    config.put("group.initial.rebalance.delay.ms", "0");
    // Quick to stop: the tests take it away on purpose.
    config.put("controlled.shutdown.enable", "false");
    config.put("controller.quorum.election.timeout.ms", "1000");
    return config;
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
