package io.attache.ratelimit.quota;

import io.attache.events.ConfigChange;
import io.attache.events.EventSink;
import io.attache.ratelimit.core.Entry;
import io.attache.ratelimit.core.QuotaOverrides;
import io.attache.runtime.DaemonThreads;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-tenant quotas read from a compacted Kafka topic ({@code ATTACHE_QUOTAS_TOPIC}, e.g. {@code
 * attache.control.limits}; records as {@link QuotaRecords} reads them). Every replica reads every
 * partition from the beginning, with no consumer group (each must hold all quotas, and a compacted
 * topic read from the start is the whole current state), and keeps polling: a change applies within
 * a poll or two of being written. Each record is audited on {@code attache.audit.config}: applied,
 * removed, or rejected with the field and reason; a rejected record leaves the tenant's last good
 * quota in place.
 */
public final class KafkaQuotaSource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaQuotaSource.class);
  static final String KIND = "RateLimitQuota";
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long PARTITION_CHECK_MILLIS = 30_000;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final EventSink events;
  private final AtomicReference<QuotaOverrides> quotas = new AtomicReference<>(QuotaOverrides.NONE);
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong readErrors = new AtomicLong();

  /** The reader thread's own copy, changed record by record and published once per poll. */
  private final Map<String, Map<List<Entry>, QuotaOverrides.Quota>> state = new HashMap<>();

  /** Per partition, the end offset when it was assigned: records before it are the replay. */
  private final Map<TopicPartition, Long> replayEnds = new HashMap<>();

  private volatile boolean caughtUp;
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean started;

  /**
   * @param overrides consumer properties over the defaults ({@code KAFKA_CONSUMER_*}: security)
   */
  public KafkaQuotaSource(
      String bootstrapServers, String topic, Map<String, Object> overrides, EventSink events) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A change should reach every replica within a second: answer a fetch as soon as there is data
    // and at most 100 ms after asking when there is none.
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "attache-ratelimit-quotas");
    // The topic is the operator's to create, compacted; a consumer must not create it plain.
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.putAll(overrides);
    this.consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    this.events = events;
    this.thread = DaemonThreads.named("attache-quotas").newThread(this::run);
  }

  public KafkaQuotaSource start() {
    started = true;
    thread.start();
    return this;
  }

  /** The quotas now: read by the limiter on every request. */
  public QuotaOverrides get() {
    return quotas.get();
  }

  /** Records applied (set or removed) and rejected so far. */
  public long applied() {
    return applied.get();
  }

  public long rejected() {
    return rejected.get();
  }

  /**
   * Whether the quotas written before this replica started are all applied: until then it would
   * answer some tenants with the configured limit instead of their quota, so readiness waits.
   */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** Failures reading the topic (each retried a second later). */
  public long readErrors() {
    return readErrors.get();
  }

  private void run() {
    List<TopicPartition> assigned = List.of();
    long checkedAt = 0;
    while (!closed) {
      try {
        long now = System.currentTimeMillis();
        if (assigned.isEmpty() || now - checkedAt > PARTITION_CHECK_MILLIS) {
          assigned = assign(assigned);
          checkedAt = now;
          if (assigned.isEmpty()) {
            caughtUp = true; // no topic yet: no quotas to wait for
            Thread.sleep(1_000);
            continue;
          }
        }
        boolean changed = false;
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          changed |= apply(record);
        }
        if (changed) {
          quotas.set(QuotaOverrides.of(state));
        }
        if (!caughtUp && replayed(assigned)) {
          caughtUp = true;
          log.info(
              "quotas: {} in force after reading {} from its start", quotas.get().size(), topic);
        }
      } catch (WakeupException | InterruptedException e) {
        break; // closing
      } catch (RuntimeException e) {
        // An authorisation error, a broker gone, a bad record the parser did not expect: the
        // quotas held stay in force, and reading is tried again.
        readErrors.incrementAndGet();
        log.error("quotas: reading {} failed; the quotas held stay, trying again in 1s", topic, e);
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException interrupted) {
          break;
        }
      }
    }
    consumer.close(Duration.ofSeconds(1));
  }

  private boolean replayed(List<TopicPartition> assigned) {
    for (TopicPartition partition : assigned) {
      Long end = replayEnds.get(partition);
      if (end != null && consumer.position(partition) < end) {
        return false;
      }
    }
    return true;
  }

  /** Every partition of the topic, new ones read from their start. */
  private List<TopicPartition> assign(List<TopicPartition> assigned) {
    List<PartitionInfo> partitions;
    try {
      partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      partitions = List.of(); // no broker answered yet
    }
    if (partitions == null || partitions.isEmpty()) {
      if (assigned.isEmpty()) {
        log.warn("quotas: topic {} not found yet; checking again every second", topic);
      }
      return assigned;
    }
    List<TopicPartition> all =
        partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    if (!all.equals(assigned)) {
      consumer.assign(all);
      List<TopicPartition> added = all.stream().filter(p -> !assigned.contains(p)).toList();
      consumer.seekToBeginning(added);
      replayEnds.putAll(consumer.endOffsets(added));
      log.info("quotas: reading {} ({} partitions)", topic, all.size());
    }
    return all;
  }

  /**
   * Applies one record to the reader's copy; whether it changed anything. A record read while
   * replaying what was written before this replica started is applied without an audit event: it
   * was audited when it was first applied.
   */
  private boolean apply(ConsumerRecord<byte[], byte[]> record) {
    String where = record.topic() + "-" + record.partition() + "@" + record.offset();
    Long replayEnd = replayEnds.get(new TopicPartition(record.topic(), record.partition()));
    boolean replay = replayEnd != null && record.offset() < replayEnd;
    String keyText = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    QuotaRecords.Key key;
    try {
      key = QuotaRecords.key(keyText);
    } catch (QuotaRecords.QuotaException e) {
      reject(keyText, where, e.getMessage(), replay);
      return false;
    }
    if (record.value() == null) {
      Map<List<Entry>, QuotaOverrides.Quota> domain = state.get(key.domain());
      if (domain != null) {
        domain.remove(key.entries());
      }
      audit(key.describe(), "quota removed: the configured limit applies", where, replay);
      return true;
    }
    try {
      QuotaOverrides.Quota quota =
          QuotaRecords.quota(new String(record.value(), StandardCharsets.UTF_8));
      state.computeIfAbsent(key.domain(), d -> new HashMap<>()).put(key.entries(), quota);
      audit(key.describe(), "quota set: " + describe(quota), where, replay);
      return true;
    } catch (QuotaRecords.QuotaException e) {
      reject(key.describe(), where, e.getMessage(), replay);
      return false;
    }
  }

  private void reject(String name, String where, String reason, boolean replay) {
    rejected.incrementAndGet();
    log.warn("quotas: {} refused ({}): {}; the last good quota stays", where, name, reason);
    if (replay) {
      return;
    }
    events.publish(
        new ConfigChange(
            "ratelimit-service",
            KIND,
            Optional.empty(),
            name.isEmpty() ? where : name,
            OptionalLong.empty(),
            ConfigChange.Outcome.REJECTED,
            where + ": " + reason + "; the last good quota stays",
            Optional.of(where)));
  }

  private void audit(String name, String message, String where, boolean replay) {
    applied.incrementAndGet();
    if (replay) {
      return;
    }
    log.info("quotas: {} {}", name, message);
    events.publish(
        new ConfigChange(
            "ratelimit-service",
            KIND,
            Optional.empty(),
            name,
            OptionalLong.empty(),
            ConfigChange.Outcome.APPLIED,
            message,
            Optional.of(where)));
  }

  private static String describe(QuotaOverrides.Quota quota) {
    if (quota.unlimited()) {
      return "unlimited";
    }
    return quota.requestsPerUnit()
        + " per "
        + quota.window().map(w -> w.seconds() + "s").orElse("configured window")
        + quota.burst().map(b -> ", burst " + b + " (token buckets)").orElse("");
  }

  @Override
  public void close() {
    closed = true;
    if (!started) {
      consumer.close(Duration.ZERO); // the thread that would close it never ran
      return;
    }
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
