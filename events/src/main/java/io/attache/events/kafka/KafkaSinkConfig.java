package io.attache.events.kafka;

import io.attache.events.spool.FsyncPolicy;
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
 * @param spoolDir where the spool keeps its segments (must survive a restart to replay them)
 * @param spoolMaxBytes the spool's bound; past it events are dropped (default 1 GiB)
 * @param spoolSegmentBytes segment size (default 16 MiB)
 * @param fsync when the spool forces its writes to disk (default {@code INTERVAL}, every second)
 * @param fsyncInterval the interval of {@code INTERVAL}
 * @param queueCapacity events held in memory between the request threads and the sink's thread
 *     (rounded up to a power of two; at most 2^30)
 * @param slowAfter an unacknowledged record older than this sends new events to the spool
 * @param closeTimeout how long {@code close()} waits for Kafka before spooling what is left
 * @param producerOverrides extra producer properties (TLS, SASL, timeouts); they win over ours
 */
public record KafkaSinkConfig(
    String bootstrapServers,
    String topicPrefix,
    String source,
    Path spoolDir,
    long spoolMaxBytes,
    long spoolSegmentBytes,
    FsyncPolicy fsync,
    Duration fsyncInterval,
    int queueCapacity,
    Duration slowAfter,
    Duration closeTimeout,
    Map<String, Object> producerOverrides) {

  public KafkaSinkConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topicPrefix, "topicPrefix");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(spoolDir, "spoolDir");
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(fsyncInterval, "fsyncInterval");
    Objects.requireNonNull(slowAfter, "slowAfter");
    Objects.requireNonNull(closeTimeout, "closeTimeout");
    producerOverrides = Map.copyOf(producerOverrides);
    if (queueCapacity <= 0 || queueCapacity > 1 << 30) {
      throw new IllegalArgumentException(
          "queueCapacity must be between 1 and 2^30 (1073741824): " + queueCapacity);
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
    private long spoolSegmentBytes = 16L << 20;
    private FsyncPolicy fsync = FsyncPolicy.INTERVAL;
    private Duration fsyncInterval = Duration.ofSeconds(1);
    private int queueCapacity = 65_536;
    private Duration slowAfter = Duration.ofSeconds(2);
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

    public Builder spoolSegmentBytes(long value) {
      spoolSegmentBytes = value;
      return this;
    }

    public Builder fsync(FsyncPolicy value, Duration interval) {
      fsync = value;
      fsyncInterval = interval;
      return this;
    }

    public Builder queueCapacity(int value) {
      queueCapacity = value;
      return this;
    }

    public Builder slowAfter(Duration value) {
      slowAfter = value;
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
          queueCapacity,
          slowAfter,
          closeTimeout,
          producerOverrides);
    }
  }
}
