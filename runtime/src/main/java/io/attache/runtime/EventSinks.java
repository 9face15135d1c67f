package io.attache.runtime;

import io.attache.events.EventSink;
import io.attache.events.WhenFull;
import io.attache.events.kafka.KafkaEventSink;
import io.attache.events.kafka.KafkaSinkConfig;
import io.attache.events.log.FsyncPolicy;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a service's event sink from its settings and exposes the sink's counters as metrics.
 *
 * <p>Variables: {@code KAFKA_BOOTSTRAP_SERVERS} (unset: events are not exported, said once at
 * start), {@code ATTACHE_TOPIC_PREFIX} ({@code attache.}), {@code ATTACHE_INSTANCE} (default {@code
 * HOSTNAME}, the pod name in Kubernetes), {@code ATTACHE_SPOOL_DIR} ({@code
 * data/spool/<component>}: the event log), {@code ATTACHE_SPOOL_MAX_BYTES} (1 GiB), {@code
 * ATTACHE_SPOOL_FSYNC} ({@code interval|always|never}), {@code ATTACHE_SPOOL_FSYNC_INTERVAL}
 * ({@code 1s}), {@code ATTACHE_EVENTS_WHEN_FULL} ({@code drop|reject}), and {@code
 * KAFKA_PRODUCER_*} for any producer property ({@code KAFKA_PRODUCER_SECURITY_PROTOCOL=SSL} sets
 * {@code security.protocol}).
 */
public final class EventSinks {
  private static final Logger log = LoggerFactory.getLogger(EventSinks.class);

  private EventSinks() {}

  public static EventSink fromSettings(Settings settings, String component) {
    var bootstrap = settings.optional("KAFKA_BOOTSTRAP_SERVERS");
    String instance = settings.string("ATTACHE_INSTANCE", settings.string("HOSTNAME", hostname()));
    Path spoolDir = Path.of(settings.string("ATTACHE_SPOOL_DIR", "data/spool/" + component));
    long maxBytes = settings.number("ATTACHE_SPOOL_MAX_BYTES", 1L << 30, 1 << 20, Long.MAX_VALUE);
    KafkaSinkConfig.Builder builder =
        KafkaSinkConfig.builder(bootstrap.orElse(""), source(component, instance), spoolDir)
            .topicPrefix(settings.string("ATTACHE_TOPIC_PREFIX", "attache."))
            .spoolMaxBytes(maxBytes)
            .spoolSegmentBytes(segmentBytes(maxBytes))
            .fsync(
                settings.choice("ATTACHE_SPOOL_FSYNC", FsyncPolicy.INTERVAL),
                settings.duration("ATTACHE_SPOOL_FSYNC_INTERVAL", Duration.ofSeconds(1)))
            .whenFull(settings.choice("ATTACHE_EVENTS_WHEN_FULL", WhenFull.DROP))
            .producerOverrides(producerOverrides(settings));
    settings.validate();
    if (bootstrap.isEmpty()) {
      log.warn(
          "events: KAFKA_BOOTSTRAP_SERVERS is not set; {} decisions are not exported", component);
      return new ConfigChangeCounting(EventSink.discarding());
    }
    KafkaSinkConfig config = builder.build();
    log.info(
        "events: publishing to {} (topics {}*), event log {}, when full: {}",
        config.bootstrapServers(),
        config.topicPrefix(),
        config.spoolDir(),
        config.whenFull().name().toLowerCase(Locale.ROOT));
    return new ConfigChangeCounting(new KafkaEventSink(config));
  }

  /**
   * 16 MiB segments, or an eighth of a smaller log (at least 64 KiB): the log always has room for
   * several, so shipping one while writing the next never leaves it full.
   */
  static int segmentBytes(long maxBytes) {
    return (int) Math.min(16 << 20, Math.max(64 << 10, maxBytes / 8));
  }

  /**
   * The CloudEvents {@code source}, {@code /attache/<component>/<instance>}: a URI-reference, as
   * the specification requires, whatever {@code ATTACHE_INSTANCE} holds: a character a URI path
   * segment cannot hold (a space, {@code /}, {@code ?}, {@code #}, {@code %}, non-ASCII) is
   * percent-encoded, its UTF-8 bytes each as {@code %XX}. A pod name needs none of that.
   */
  static String source(String component, String instance) {
    StringBuilder source = new StringBuilder("/attache/").append(component).append('/');
    for (byte b : instance.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@".indexOf(c) >= 0)) {
        source.append(c);
      } else {
        source.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return source.toString();
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** {@code KAFKA_PRODUCER_SASL_MECHANISM=PLAIN} becomes {@code sasl.mechanism=PLAIN}. */
  public static Map<String, Object> producerOverrides(Settings settings) {
    Map<String, Object> overrides = new HashMap<>();
    settings
        .withPrefix("KAFKA_PRODUCER_")
        .forEach(
            (name, value) -> overrides.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value));
    return overrides;
  }

  /** Registers {@code attache_events_*} metrics that read the sink's counters. */
  /**
   * As {@link #bindMetrics(MeterRegistry, EventSink)}, plus {@code
   * attache_config_changes_total{kind,outcome}} for a sink from {@link #fromSettings}, and the
   * Kafka producer's own metrics (Micrometer's {@code KafkaClientMetrics}: {@code
   * kafka_producer_record_send_total}, {@code kafka_producer_request_latency_avg}, {@code
   * kafka_producer_buffer_available_bytes}, ...) when events go to Kafka; close what this returns
   * to stop refreshing them.
   */
  public static AutoCloseable bindAllMetrics(MeterRegistry registry, EventSink sink) {
    bindMetrics(registry, sink);
    EventSink inner = sink;
    if (sink instanceof ConfigChangeCounting counting) {
      counting.bind(registry);
      inner = counting.delegate();
    }
    if (inner instanceof KafkaEventSink kafka) {
      KafkaClientMetrics producer = new KafkaClientMetrics(kafka.producerForMetrics());
      producer.bindTo(registry);
      return producer;
    }
    return () -> {};
  }

  public static void bindMetrics(MeterRegistry registry, EventSink sink) {
    FunctionCounter.builder("attache.events.logged", sink, s -> s.stats().logged())
        .description("events written to the local event log, before their answers left")
        .register(registry);
    FunctionCounter.builder("attache.events.published", sink, s -> s.stats().published())
        .description("events Kafka acknowledged (sent again after a crash: counted again)")
        .register(registry);
    FunctionCounter.builder("attache.events.dropped", sink, s -> s.stats().dropped())
        .description("events lost: the event log was full (drop) or Kafka refused them for good")
        .register(registry);
    FunctionCounter.builder("attache.events.rejected", sink, s -> s.stats().rejected())
        .description("decisions refused because their events could not be logged (reject)")
        .register(registry);
    FunctionCounter.builder("attache.events.corrupt", sink, s -> s.stats().corrupt())
        .description("records of the event log found corrupt and skipped")
        .register(registry);
    Gauge.builder("attache.events.spool.bytes", sink, s -> s.stats().backlogBytes())
        .description("bytes in the event log that Kafka has not yet acknowledged")
        .register(registry);
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
