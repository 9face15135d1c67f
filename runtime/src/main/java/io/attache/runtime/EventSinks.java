package io.attache.runtime;

import io.attache.events.EventSink;
import io.attache.events.kafka.KafkaEventSink;
import io.attache.events.kafka.KafkaSinkConfig;
import io.attache.events.spool.FsyncPolicy;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
 * data/spool/<component>}), {@code ATTACHE_SPOOL_MAX_BYTES} (1 GiB), {@code ATTACHE_SPOOL_FSYNC}
 * ({@code interval|always|never}), {@code ATTACHE_SPOOL_FSYNC_INTERVAL} ({@code 1s}), {@code
 * ATTACHE_EVENTS_SLOW_AFTER} ({@code 2s}), and {@code KAFKA_PRODUCER_*} for any producer property
 * ({@code KAFKA_PRODUCER_SECURITY_PROTOCOL=SSL} sets {@code security.protocol}).
 */
public final class EventSinks {
  private static final Logger log = LoggerFactory.getLogger(EventSinks.class);

  private EventSinks() {}

  public static EventSink fromSettings(Settings settings, String component) {
    var bootstrap = settings.optional("KAFKA_BOOTSTRAP_SERVERS");
    String instance = settings.string("ATTACHE_INSTANCE", settings.string("HOSTNAME", hostname()));
    Path spoolDir = Path.of(settings.string("ATTACHE_SPOOL_DIR", "data/spool/" + component));
    KafkaSinkConfig.Builder builder =
        KafkaSinkConfig.builder(bootstrap.orElse(""), source(component, instance), spoolDir)
            .topicPrefix(settings.string("ATTACHE_TOPIC_PREFIX", "attache."))
            .spoolMaxBytes(
                settings.number("ATTACHE_SPOOL_MAX_BYTES", 1L << 30, 1 << 20, Long.MAX_VALUE))
            .fsync(
                settings.choice("ATTACHE_SPOOL_FSYNC", FsyncPolicy.INTERVAL),
                settings.duration("ATTACHE_SPOOL_FSYNC_INTERVAL", Duration.ofSeconds(1)))
            .slowAfter(settings.duration("ATTACHE_EVENTS_SLOW_AFTER", Duration.ofSeconds(2)))
            .producerOverrides(producerOverrides(settings));
    settings.validate();
    if (bootstrap.isEmpty()) {
      log.warn(
          "events: KAFKA_BOOTSTRAP_SERVERS is not set; {} decisions are not exported", component);
      return EventSink.discarding();
    }
    KafkaSinkConfig config = builder.build();
    log.info(
        "events: publishing to {} (topics {}*), spool {}",
        config.bootstrapServers(),
        config.topicPrefix(),
        config.spoolDir());
    return new KafkaEventSink(config);
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
  static Map<String, Object> producerOverrides(Settings settings) {
    Map<String, Object> overrides = new HashMap<>();
    settings
        .withPrefix("KAFKA_PRODUCER_")
        .forEach(
            (name, value) -> overrides.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value));
    return overrides;
  }

  /** Registers {@code attache_events_*} metrics that read the sink's counters. */
  public static void bindMetrics(MeterRegistry registry, EventSink sink) {
    FunctionCounter.builder("attache.events.published", sink, s -> s.stats().published())
        .description("events Kafka acknowledged straight from memory")
        .register(registry);
    FunctionCounter.builder("attache.events.spooled", sink, s -> s.stats().spooled())
        .description("events written to the on-disk spool while Kafka was down or slow")
        .register(registry);
    FunctionCounter.builder("attache.events.replayed", sink, s -> s.stats().replayed())
        .description("events Kafka acknowledged from the spool")
        .register(registry);
    FunctionCounter.builder("attache.events.dropped", sink, s -> s.stats().dropped())
        .description("events lost because the spool was full")
        .register(registry);
    Gauge.builder("attache.events.spool.bytes", sink, s -> s.stats().spoolBytes())
        .description("bytes held in the event spool")
        .register(registry);
    Gauge.builder("attache.events.queued", sink, s -> s.stats().queued())
        .description("events waiting in memory for the sink's thread")
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
