package io.attache.events.kafka;

import io.attache.events.CloudEventEncoder;
import io.attache.events.Event;
import io.attache.events.EventIds;
import io.attache.events.EventSink;
import io.attache.events.EventSinkStats;
import io.attache.events.spool.Spool;
import io.attache.events.spool.SpoolPosition;
import io.attache.events.spool.SpoolRecord;
import io.attache.events.spool.SpooledEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events to Kafka as CloudEvents, never on the caller's thread.
 *
 * <p>{@link #publish} stamps the time and offers the event to a bounded queue; one sink thread,
 * which looks every few milliseconds and is never woken by a publish, numbers, encodes and sends.
 * The producer is idempotent with {@code acks=all}, batches ({@code linger.ms=20}, 128 KiB) and
 * compresses (lz4). Record key: {@link Event#partitionKey()}.
 *
 * <p>While Kafka is healthy, records go straight to the producer. When a send fails, or the oldest
 * unacknowledged record is older than {@code slowAfter}, new events go to the on-disk {@link Spool}
 * instead; records the producer then gives up on are spooled ahead of them. Once everything in
 * flight is settled, the spool is replayed in order, a batch at a time, each batch committed only
 * when Kafka acknowledged all of it; when it is empty, sending goes direct again. While the last
 * batch, the spool's tail, is in flight, new events wait in memory rather than behind it on disk,
 * so that a spool which events keep reaching is still found empty and the sink gets back to direct
 * sending. A spool left by an earlier process is replayed at start. Order per key holds throughout;
 * an event is dropped only when the spool is full (or the queue before it), and every drop is
 * counted and logged.
 */
public final class KafkaEventSink implements EventSink {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventSink.class);
  private static final int DRAIN_BATCH = 1024;

  /**
   * How often the sink thread looks for new events. {@link #publish} never wakes it: waking a
   * parked thread per event costs the request thread a futex call and the core two context
   * switches, several times what encoding the event costs. The producer lingers 20 ms anyway.
   */
  private static final long DRAIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  /**
   * Records per replay round. A round waits for all its acknowledgements before the next, so its
   * size sets how fast a backlog drains, and that must outpace new events, which go to the spool
   * behind it meanwhile; otherwise sending never goes direct again and the spool fills. 512 drained
   * 12–15k events/s against the embedded broker, below one busy pod's decisions.
   */
  private static final int REPLAY_BATCH = 8192;

  /**
   * And at most this many bytes per round (about 8,000 authz events), well inside the producer's 64
   * MiB buffer, so that large events cannot make a round block in send() for want of it.
   */
  private static final long REPLAY_BYTES = 6L << 20;

  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** How long closing waits for a publish() caught between claiming a queue slot and filling it. */
  private static final long LATE_PUBLISH_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final KafkaSinkConfig config;
  private final Producer<byte[], byte[]> producer;
  private final Spool spool;
  private final SequenceCounters sequences;
  private final CloudEventEncoder encoder;
  private final EventQueue queue;
  private final EventQueue.Consumer acceptor = this::acceptOrDrop;
  private final Map<io.attache.events.EventType, String> topics = new HashMap<>();
  private final Thread thread;

  private final LongAdder published = new LongAdder();
  private final LongAdder spooled = new LongAdder();
  private final LongAdder replayed = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private volatile long spoolBytes;
  private volatile boolean closing;
  private final AtomicBoolean closeCalled = new AtomicBoolean();
  private volatile long lastDropLogNanos = System.nanoTime() - DROP_LOG_INTERVAL_NANOS;

  // Owned by the sink thread.
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private final List<InFlight> replayRetries = new ArrayList<>();
  private boolean spooling;
  private long rescueSegment = -1;
  private SpoolPosition replayBatchEnd;
  private boolean lastReplayRound;
  private long backoffUntilNanos;
  private long backoffNanos = TimeUnit.MILLISECONDS.toNanos(100);
  private long spoolFullSince = -1;

  /**
   * A record handed to the producer; the callback fills in the outcome. Records from the spool
   * carry where they start there, which orders retries and bounds what may be committed.
   */
  private static final class InFlight {
    final SpoolRecord record;
    final SpoolPosition spoolStart; // null when sent straight from memory
    long sentNanos;
    volatile int state; // 0 pending, 1 acknowledged, 2 failed
    volatile Exception error;

    InFlight(SpoolRecord record, SpoolPosition spoolStart) {
      this.record = record;
      this.spoolStart = spoolStart;
    }

    boolean fromSpool() {
      return spoolStart != null;
    }
  }

  public KafkaEventSink(KafkaSinkConfig config) {
    this(
        config,
        new KafkaProducer<>(
            producerProperties(config), new ByteArraySerializer(), new ByteArraySerializer()));
  }

  KafkaEventSink(KafkaSinkConfig config, Producer<byte[], byte[]> producer) {
    this.config = config;
    this.producer = producer;
    try {
      this.spool =
          Spool.open(
              config.spoolDir(),
              config.spoolMaxBytes(),
              config.spoolSegmentBytes(),
              config.fsync(),
              config.fsyncInterval());
      this.sequences = new SequenceCounters(config.spoolDir().resolve("sequences.properties"));
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    this.encoder = new CloudEventEncoder(config.source());
    this.queue = new EventQueue(config.queueCapacity());
    for (io.attache.events.EventType type : io.attache.events.EventType.values()) {
      topics.put(type, config.topicPrefix() + type.topicSuffix());
    }
    this.spooling = !spool.isEmpty();
    if (spooling) {
      log.info(
          "event spool in {} holds {} bytes from an earlier run; replaying them before new events",
          config.spoolDir(),
          spool.sizeBytes());
    }
    this.spoolBytes = spool.sizeBytes();
    this.thread = new Thread(this::run, "attache-event-sink");
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
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    properties.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20);
    // Only the sink's thread calls send(); it must not wait long for metadata of a missing broker.
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
    properties.put(
        ProducerConfig.CLIENT_ID_CONFIG, "attache-events" + config.source().replace('/', '-'));
    properties.putAll(config.producerOverrides());
    return properties;
  }

  @Override
  public void publish(Event event) {
    if (closing) {
      countDrop("the sink is closed");
      return;
    }
    if (!queue.offer(event, System.currentTimeMillis())) {
      countDrop("the in-memory queue is full");
    }
  }

  @Override
  public EventSinkStats stats() {
    return new EventSinkStats(
        published.sum(), spooled.sum(), replayed.sum(), dropped.sum(), queue.size(), spoolBytes);
  }

  @Override
  public void close() {
    if (!closeCalled.compareAndSet(false, true)) {
      return;
    }
    closing = true;
    try {
      thread.join(config.closeTimeout().toMillis() + 10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      // Still delivering (a slow send, spool I/O). It drains the queue itself before it ends; a
      // drain from here as well would race it, and the queue allows one consumer at a time.
      log.warn("the event sink is still delivering; it finishes in the background");
      return;
    }
    // A publish() that passed the closing check may have queued after the sink's last drain.
    int stuck =
        drainAll((event, epochMillis) -> countDrop("the sink closed while it was being published"));
    if (stuck > 0) {
      countDrops(stuck, "the sink closed while they were being published");
    }
  }

  /**
   * Drains the queue to the end, waiting a moment for publishers caught between claiming a slot and
   * filling it (they hold back the slots after theirs); returns how many it could still not take.
   */
  private int drainAll(EventQueue.Consumer consumer) {
    long deadline = System.nanoTime() + LATE_PUBLISH_WAIT_NANOS;
    queue.drain(consumer, Integer.MAX_VALUE);
    while (queue.size() > 0 && System.nanoTime() < deadline) {
      Thread.yield();
      queue.drain(consumer, Integer.MAX_VALUE);
    }
    return queue.size();
  }

  private void run() {
    try {
      while (!closing && !Thread.currentThread().isInterrupted()) {
        int drained = handingOver() ? 0 : queue.drain(acceptor, DRAIN_BATCH);
        step();
        if (drained < DRAIN_BATCH) {
          LockSupport.parkNanos(DRAIN_INTERVAL_NANOS);
        }
      }
    } catch (RuntimeException e) {
      closing = true;
      log.error("event sink thread failed; new events are dropped and counted", e);
    }
    shutdown();
  }

  /**
   * Whether new events wait in memory while the last replay round, the spool's tail, is in flight.
   * Spooled behind it, they would make another round, during which more arrive: with events coming
   * steadily the spool would never be found empty and sending would never go direct again. Held
   * back, the next read finds the spool empty and they are sent straight after the tail, in order.
   * Only while the queue is less than half full and the tail is not older than {@code slowAfter}:
   * past either, Kafka is slow, and they go to the spool after all rather than wait in memory.
   */
  private boolean handingOver() {
    return lastReplayRound
        && queue.size() < queue.capacity() / 2
        && (inFlight.isEmpty()
            || System.nanoTime() - inFlight.peekFirst().sentNanos <= config.slowAfter().toNanos());
  }

  /** What follows a drain: the spool synced, acknowledgements settled, the spool replayed. */
  private void step() {
    spool.sync();
    settle();
    if (spooling && inFlight.isEmpty() && System.nanoTime() >= backoffUntilNanos) {
      replay();
    }
    spoolBytes = spool.sizeBytes();
  }

  /** Never lets one event that cannot be encoded or stored stop the others. */
  private void acceptOrDrop(Event event, long epochMillis) {
    try {
      accept(event, epochMillis);
    } catch (RuntimeException e) {
      log.error("an event could not be encoded or stored", e);
      countDrop("an event could not be encoded or stored: " + e.getMessage());
    }
  }

  private void accept(Event event, long epochMillis) {
    String topic = topics.get(event.type());
    long sequence = sequences.next(topic);
    byte[] value = encoder.encode(event, EventIds.next(epochMillis), sequence, epochMillis);
    SpoolRecord record =
        new SpoolRecord(topic, event.partitionKey().getBytes(StandardCharsets.UTF_8), value);
    if (spooling) {
      toSpool(record);
    } else if (!send(new InFlight(record, null))) {
      degrade("a send failed");
      toSpool(record);
    }
  }

  /** Hands a record to the producer; false when the producer refused it at once. */
  private boolean send(InFlight flight) {
    SpoolRecord record = flight.record;
    flight.sentNanos = System.nanoTime();
    flight.state = 0;
    // A replay retry reuses its InFlight: clear the last attempt's failure, or a record the
    // producer has just accepted would look refused, be retried again, and arrive twice.
    flight.error = null;
    // An empty partition key is left out of the event; the record then has no key either, and
    // the producer spreads such records over the partitions instead of hashing them all to one.
    byte[] key = record.key().length == 0 ? null : record.key();
    ProducerRecord<byte[], byte[]> producerRecord =
        new ProducerRecord<>(record.topic(), null, key, record.value());
    producerRecord.headers().add(new RecordHeader("content-type", CONTENT_TYPE_BYTES));
    try {
      producer.send(
          producerRecord,
          (metadata, error) -> {
            flight.error = error;
            flight.state = error == null ? 1 : 2;
          });
    } catch (RuntimeException e) {
      log.debug("kafka refused a record: {}", e.toString());
      flight.error = e;
    }
    // Without metadata (no broker) send() waits max.block.ms, then fails through the callback
    // before returning: treat that as a refusal, not as a record in flight.
    if (flight.error != null && flight.state != 1) {
      if (permanent(flight.error)) {
        log.error("kafka rejected an event for good ({}); dropping it", flight.error.toString());
        countDrop("Kafka rejected an event: " + flight.error.getMessage());
        return true;
      }
      return false;
    }
    inFlight.addLast(flight);
    return true;
  }

  private static final byte[] CONTENT_TYPE_BYTES =
      CloudEventEncoder.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8);

  private void toSpool(SpoolRecord record) {
    if (spool.append(record)) {
      spooled.increment();
      spoolFullSince = -1;
    } else {
      spoolFull();
    }
  }

  private void spoolFull() {
    if (spoolFullSince < 0) {
      spoolFullSince = System.nanoTime();
      log.error(
          "EVENTS LOST: the event spool in {} is full ({} bytes); new events are dropped until Kafka"
              + " is back",
          config.spoolDir(),
          spool.sizeBytes());
    }
    countDrop("the spool is full");
  }

  /** Takes acknowledged and failed records off the head of the in-flight queue, in order. */
  private void settle() {
    long now = System.nanoTime();
    while (!inFlight.isEmpty()) {
      InFlight head = inFlight.peekFirst();
      int state = head.state;
      if (state == 0) {
        if (!spooling && now - head.sentNanos > config.slowAfter().toNanos()) {
          degrade("Kafka has not acknowledged a record for " + config.slowAfter());
        }
        return;
      }
      inFlight.pollFirst();
      if (state == 1) {
        (head.fromSpool() ? replayed : published).increment();
      } else if (permanent(head.error)) {
        // Sending it again would fail again (too large, not authorised...): drop it, loudly,
        // rather than let it hold back every event behind it.
        log.error("kafka rejected an event for good ({}); dropping it", head.error.toString());
        countDrop("Kafka rejected an event: " + head.error.getMessage());
      } else if (head.fromSpool()) {
        replayRetries.add(head);
        backOff();
      } else {
        degrade("Kafka did not acknowledge a record");
        rescue(head.record);
      }
    }
  }

  /** A direct record Kafka gave up on goes to the spool, ahead of everything spooled since. */
  private void rescue(SpoolRecord record) {
    if (spool.appendTo(rescueSegment, record)) {
      spooled.increment();
    } else {
      spoolFull();
    }
  }

  /**
   * Whether every partition of the batch's topics has a leader. Replaying a burst into a topic that
   * is still being created (auto-creation) or electing leaders makes the idempotent producer's
   * first batches fail and be retried behind later ones, which the broker then rejects as out of
   * sequence; asking for metadata first (this also triggers auto-creation) avoids that. Only the
   * sink's thread waits here, at most max.block.ms.
   */
  private boolean leadersKnown(List<InFlight> records) {
    java.util.Set<String> topicsInBatch = new java.util.HashSet<>();
    for (InFlight record : records) {
      topicsInBatch.add(record.record.topic());
    }
    try {
      for (String topic : topicsInBatch) {
        for (var partition : producer.partitionsFor(topic)) {
          if (partition.leader() == null || partition.leader().isEmpty()) {
            return false;
          }
        }
      }
      return true;
    } catch (RuntimeException e) {
      log.debug("no metadata yet for {}: {}", topicsInBatch, e.toString());
      return false;
    }
  }

  /** Errors the producer itself would not retry: resending cannot help. */
  private static boolean permanent(Exception error) {
    return error != null
        && !(error instanceof org.apache.kafka.common.errors.RetriableException)
        && !(error instanceof org.apache.kafka.common.errors.InterruptException);
  }

  private void degrade(String why) {
    if (spooling) {
      return;
    }
    spooling = true;
    rescueSegment = spool.reserveSegment();
    log.warn("kafka is unavailable or slow ({}); spooling events to {}", why, config.spoolDir());
  }

  /** One replay step; called only when nothing is in flight. */
  private void replay() {
    if (!replayRetries.isEmpty()) {
      List<InFlight> retries = new ArrayList<>(replayRetries);
      replayRetries.clear();
      sendFromSpool(retries);
      return;
    }
    if (replayBatchEnd != null) {
      spool.commit(replayBatchEnd);
      replayBatchEnd = null;
      backoffNanos = TimeUnit.MILLISECONDS.toNanos(100);
    }
    List<SpooledEntry> entries = spool.read(REPLAY_BATCH, REPLAY_BYTES);
    lastReplayRound = !entries.isEmpty() && !spool.hasUnread();
    if (entries.isEmpty()) {
      spooling = false;
      rescueSegment = -1;
      log.info("kafka is back; the event spool is replayed and empty");
      return;
    }
    replayBatchEnd = entries.get(entries.size() - 1).end();
    List<InFlight> records = new ArrayList<>(entries.size());
    for (SpooledEntry entry : entries) {
      records.add(new InFlight(entry.record(), entry.start()));
    }
    sendFromSpool(records);
  }

  /** Sends in spool order, so a retried record never overtakes a later one with its key. */
  private void sendFromSpool(List<InFlight> records) {
    records.sort((a, b) -> a.spoolStart.compareTo(b.spoolStart));
    if (!leadersKnown(records)) {
      replayRetries.addAll(records);
      backOff();
      return;
    }
    for (int i = 0; i < records.size(); i++) {
      if (!send(records.get(i))) {
        // Refused at once (no metadata yet): keep the rest, in order, for the next attempt.
        replayRetries.addAll(records.subList(i, records.size()));
        backOff();
        return;
      }
    }
  }

  private void backOff() {
    // A replay round failed: new events go to the spool again rather than wait out the backoff.
    lastReplayRound = false;
    backoffUntilNanos = System.nanoTime() + backoffNanos;
    backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
  }

  private void countDrop(String why) {
    countDrops(1, why);
  }

  private void countDrops(long count, String why) {
    dropped.add(count);
    long now = System.nanoTime();
    if (now - lastDropLogNanos >= DROP_LOG_INTERVAL_NANOS) {
      lastDropLogNanos = now;
      log.error("EVENTS LOST: {}; {} dropped so far", why, dropped.sum());
    }
  }

  /** Delivers or spools everything still held, then releases the producer and the spool. */
  private void shutdown() {
    try {
      drainAll(acceptor); // what it cannot take, close() counts as dropped
      // No producer.flush(): it could wait out the whole delivery timeout while Kafka is down.
      long deadline = System.nanoTime() + config.closeTimeout().toNanos();
      while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
        settle();
        Thread.sleep(5);
      }
      settle();
      SpoolPosition firstUndelivered = null;
      for (InFlight flight : inFlight) {
        if (flight.fromSpool()) {
          firstUndelivered = earlier(firstUndelivered, flight.spoolStart);
        } else {
          degrade("closing with unacknowledged events");
          rescue(flight.record);
        }
      }
      if (inFlight.stream().anyMatch(f -> !f.fromSpool())) {
        log.warn("kafka did not acknowledge every event before close; spooled the rest");
      }
      for (InFlight retry : replayRetries) {
        firstUndelivered = earlier(firstUndelivered, retry.spoolStart);
      }
      if (firstUndelivered != null) {
        spool.commit(firstUndelivered);
      } else if (replayBatchEnd != null) {
        spool.commit(replayBatchEnd);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("event sink did not close cleanly", e);
    } finally {
      producer.close(Duration.ZERO);
      spool.close();
      sequences.close();
      spoolBytes = spool.sizeBytes();
    }
  }

  private static SpoolPosition earlier(SpoolPosition a, SpoolPosition b) {
    return a == null || b.compareTo(a) < 0 ? b : a;
  }
}
