package io.attache.events.kafka;

import io.attache.events.CloudEventEncoder;
import io.attache.events.Event;
import io.attache.events.EventSink;
import io.attache.events.EventSinkStats;
import io.attache.events.WhenFull;
import io.attache.events.log.EventLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every event in the local {@link EventLog} on the caller's thread, before the caller
 * answers, and ships the log to Kafka as CloudEvents on a thread of its own ({@link LogShipper}).
 *
 * <p>{@link #publish} encodes the event (each calling thread keeps its own encoder) and copies it
 * into the log's memory-mapped segment: no system call, no wait for Kafka, and once it returns the
 * event survives the process being killed. Its {@code sequence} is assigned in log order, so after
 * any crash numbering continues after the last logged event. When the log is full, the event is
 * dropped (counted, logged) or, under {@link WhenFull#REJECT}, publish returns false and the caller
 * does not give its answer.
 *
 * <p>The producer is idempotent with {@code acks=all}, batches ({@code linger.ms=100}, 512 KiB) and
 * compresses (lz4). Record key: {@link Event#partitionKey()}. A log left by an earlier process is
 * shipped from its checkpoint at start.
 */
public final class KafkaEventSink implements EventSink {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventSink.class);
  private static final long LOSS_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final KafkaSinkConfig config;
  private final EventLog eventLog;
  private final Producer<byte[], byte[]> producer;
  private final LogShipper shipper;
  private final Thread thread;
  private final ThreadLocal<Writer> writers;
  private final LongAdder dropped = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private volatile boolean closing;
  private volatile long lastLossLogNanos = System.nanoTime() - LOSS_LOG_INTERVAL_NANOS;

  /** What one publishing thread reuses for every event: encoding allocates little. */
  private static final class Writer {
    final CloudEventEncoder encoder;
    final EventLog.Scratch scratch = new EventLog.Scratch();

    Writer(String source) {
      encoder = new CloudEventEncoder(source);
    }
  }

  public KafkaEventSink(KafkaSinkConfig config) {
    this(
        config,
        new KafkaProducer<>(
            producerProperties(config), new ByteArraySerializer(), new ByteArraySerializer()));
  }

  /**
   * The producer, for a metrics binder to read its client metrics (Micrometer's {@code
   * KafkaClientMetrics}); nothing else may use it.
   */
  public Producer<byte[], byte[]> producerForMetrics() {
    return producer;
  }

  KafkaEventSink(KafkaSinkConfig config, Producer<byte[], byte[]> producer) {
    this.config = config;
    this.producer = producer;
    try {
      this.eventLog =
          EventLog.open(
              config.spoolDir(),
              config.spoolSegmentBytes(),
              config.spoolMaxBytes(),
              config.fsync(),
              config.fsyncInterval());
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    long backlog = eventLog.backlogBytes();
    if (backlog > 0) {
      log.info(
          "event log in {} holds {} bytes Kafka has not acknowledged; sending them first",
          config.spoolDir(),
          backlog);
    }
    this.writers = ThreadLocal.withInitial(() -> new Writer(config.source()));
    this.shipper = new LogShipper(eventLog, producer, config.topicPrefix());
    this.thread = new Thread(this::ship, "attache-event-shipper");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * The producer settings: durable, ordered, batched; ours first, the operator's overrides last.
   */
  static Map<String, Object> producerProperties(KafkaSinkConfig config) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // Large batches, as the log, not the producer, is what makes an event durable: a request costs
    // the producer's network thread about as much as the records in it, so fewer, fuller requests
    // cut its CPU per event (1.02 -> 0.67 µs at 40k events/s, docs/performance.md). 512 KiB stays
    // below the broker's default message.max.bytes even when a batch does not compress.
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 100);
    properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    properties.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20);
    // Only the shipper's thread calls send(); it must not wait long for metadata of a missing
    // broker.
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
    properties.put(
        ProducerConfig.CLIENT_ID_CONFIG, "attache-events" + config.source().replace('/', '-'));
    properties.putAll(config.producerOverrides());
    return properties;
  }

  @Override
  public boolean publish(Event event) {
    try {
      Writer writer = writers.get();
      long now = System.currentTimeMillis();
      CloudEventEncoder encoder = writer.encoder;
      encoder.encodeUnnumbered(event, now);
      byte[] key = event.partitionKey().getBytes(StandardCharsets.UTF_8);
      long sequence = eventLog.append(event.type(), key, encoder, writer.scratch);
      if (sequence >= 0) {
        return true;
      }
      return notRecorded(
          sequence == EventLog.TOO_LARGE
              ? "an event is larger than a log segment"
              : closing ? "the sink is closed" : "the event log is full");
    } catch (RuntimeException | InternalError e) {
      // InternalError: the JVM's report of a fault on a mapped page, e.g. the disk is full.
      return notRecorded("an event could not be encoded or logged: " + e);
    }
  }

  /** Counts and reports an event that is not in the log; false under {@code reject}. */
  private boolean notRecorded(String why) {
    boolean reject = config.whenFull() == WhenFull.REJECT;
    (reject ? rejected : dropped).increment();
    long now = System.nanoTime();
    if (now - lastLossLogNanos >= LOSS_LOG_INTERVAL_NANOS) {
      lastLossLogNanos = now;
      log.error(
          "EVENTS NOT RECORDED: {} ({}); {} dropped, {} decisions rejected so far",
          why,
          config.spoolDir(),
          dropped.sum() + shipper.dropped(),
          rejected.sum());
    }
    return !reject;
  }

  @Override
  public EventSinkStats stats() {
    return new EventSinkStats(
        eventLog.appended(),
        shipper.published(),
        dropped.sum() + shipper.dropped(),
        rejected.sum(),
        eventLog.corruptRecords(),
        eventLog.backlogBytes());
  }

  private void ship() {
    try {
      shipper.run(() -> closing);
      long deadline = System.nanoTime() + config.closeTimeout().toNanos();
      while (!shipper.caughtUp() && System.nanoTime() < deadline) {
        if (shipper.step() == 0) {
          Thread.sleep(5);
        }
      }
      if (!shipper.caughtUp()) {
        log.warn(
            "kafka did not acknowledge every event before close; {} bytes stay in the event log"
                + " for the next start",
            eventLog.backlogBytes());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("the event shipper failed; events stay in the log for the next start", e);
    } finally {
      try {
        shipper.checkpointIfDue(true);
      } catch (RuntimeException e) {
        log.error("the event log checkpoint could not be written", e);
      }
    }
  }

  /**
   * Stops taking events, gives Kafka up to the close timeout to acknowledge what the log holds, and
   * closes the log: whatever is not acknowledged is sent at the next start.
   */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    try {
      thread.join(config.closeTimeout().toMillis() + 10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ZERO);
    if (thread.isAlive()) {
      log.warn("the event shipper did not stop; the event log is left open");
      return;
    }
    eventLog.close();
  }
}
