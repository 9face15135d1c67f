package io.attache.events.kafka;

import io.attache.events.WhenFull;
import io.attache.events.log.FsyncPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the Kafka event sink. {@link #builder} starts from the documented defaults.
 *
 * @param bootstrapServers Kafka's {@code bootstrap.servers}
 * @param topicPrefix prepended to every topic name (default {@code attache.})
 * @param source the CloudEvents {@code source}, e.g. {@code /attache/ext-authz/<pod>}
 * @param spoolDir where the event log keeps its segments and checkpoint (must survive a restart)
 * @param spoolMaxBytes the log's bound (default 1 GiB); past it {@code whenFull} applies
 * @param spoolSegmentBytes segment size (default 16 MiB)
 * @param fsync when the log forces its writes to disk (default {@code INTERVAL}, every second)
 * @param fsyncInterval the interval of {@code INTERVAL}
 * @param whenFull what a decision whose event cannot be logged does (default {@code DROP})
 * @param closeTimeout how long {@code close()} waits for Kafka; what is left stays in the log
 * @param producerOverrides extra producer properties (TLS, SASL, timeouts); they win over ours
 */
public record KafkaSinkConfig(
    String bootstrapServers,
    String topicPrefix,
    String source,
    Path spoolDir,
    long spoolMaxBytes,
    int spoolSegmentBytes,
    FsyncPolicy fsync,
    Duration fsyncInterval,
    WhenFull whenFull,
    Duration closeTimeout,
    Map<String, Object> producerOverrides) {

  public KafkaSinkConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topicPrefix, "topicPrefix");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(spoolDir, "spoolDir");
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(fsyncInterval, "fsyncInterval");
    Objects.requireNonNull(whenFull, "whenFull");
    Objects.requireNonNull(closeTimeout, "closeTimeout");
    producerOverrides = Map.copyOf(producerOverrides);
    if (spoolSegmentBytes < 4096 || spoolMaxBytes < 2L * spoolSegmentBytes) {
      throw new IllegalArgumentException(
          "the event log needs segments of at least 4 KiB and room for two: "
              + spoolSegmentBytes
              + " of "
              + spoolMaxBytes);
    }
  }

  /** A builder with the documented defaults. */
  public static Builder builder(String bootstrapServers, String source, Path spoolDir) {
    return new Builder(bootstrapServers, source, spoolDir);
  }

  /** Builds a {@link KafkaSinkConfig}; every setting not given keeps its documented default. */
  public static final class Builder {
    private final String bootstrapServers;
    private final String source;
    private final Path spoolDir;
    private String topicPrefix = "attache.";
    private long spoolMaxBytes = 1L << 30;
    private int spoolSegmentBytes = 16 << 20;
    private FsyncPolicy fsync = FsyncPolicy.INTERVAL;
    private Duration fsyncInterval = Duration.ofSeconds(1);
    private WhenFull whenFull = WhenFull.DROP;
    private Duration closeTimeout = Duration.ofSeconds(10);
    private Map<String, Object> producerOverrides = Map.of();

    private Builder(String bootstrapServers, String source, Path spoolDir) {
      this.bootstrapServers = bootstrapServers;
      this.source = source;
      this.spoolDir = spoolDir;
    }

    public Builder topicPrefix(String value) {
      topicPrefix = value;
      return this;
    }

    public Builder spoolMaxBytes(long value) {
      spoolMaxBytes = value;
      return this;
    }

    public Builder spoolSegmentBytes(int value) {
      spoolSegmentBytes = value;
      return this;
    }

    public Builder fsync(FsyncPolicy value, Duration interval) {
      fsync = value;
      fsyncInterval = interval;
      return this;
    }

    public Builder whenFull(WhenFull value) {
      whenFull = value;
      return this;
    }

    public Builder closeTimeout(Duration value) {
      closeTimeout = value;
      return this;
    }

    public Builder producerOverrides(Map<String, Object> value) {
      producerOverrides = value;
      return this;
    }

    public KafkaSinkConfig build() {
      return new KafkaSinkConfig(
          bootstrapServers,
          topicPrefix,
          source,
          spoolDir,
          spoolMaxBytes,
          spoolSegmentBytes,
          fsync,
          fsyncInterval,
          whenFull,
          closeTimeout,
          producerOverrides);
    }
  }
}
