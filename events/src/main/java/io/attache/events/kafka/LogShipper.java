package io.attache.events.kafka;

import io.attache.events.CloudEventEncoder;
import io.attache.events.EventType;
import io.attache.events.log.EventLog;
import io.attache.events.log.LogEntry;
import io.attache.events.log.LogPosition;
import io.attache.events.log.LogReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the event log to Kafka on a thread of its own, and moves the log's checkpoint as Kafka
 * acknowledges. Publishing never wakes it: it looks every few milliseconds (waking a parked thread
 * per event cost the request thread a futex call and the core two context switches).
 *
 * <p>Records are sent in log order, at most {@link #MAX_IN_FLIGHT} unacknowledged; the checkpoint
 * only ever covers an unbroken run of acknowledged records. When the producer gives up on one (its
 * own retries exhausted), the shipper lets everything in flight settle, reads the log again from
 * that record, and backs off: Kafka down means the log grows, not that events are lost. Records
 * after the failed one that Kafka did take are sent again; with the checkpoint being a little
 * behind after a crash, that makes delivery at least once, with duplicates recognisable by their
 * {@code id} (and {@code source} + {@code sequence}). A record Kafka refuses for good (too large,
 * not authorised) is dropped, counted and logged: it would fail forever and hold back the rest.
 */
final class LogShipper {
  private static final Logger log = LoggerFactory.getLogger(LogShipper.class);
  private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long CHECKPOINT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);

  /**
   * Records sent and not yet acknowledged, at most; with the byte bound below it keeps the
   * producer's 64 MiB buffer from filling, where send() would block.
   */
  static final int MAX_IN_FLIGHT = 32_768;

  private static final long MAX_IN_FLIGHT_BYTES = 24L << 20;
  private static final List<Header> HEADERS =
      List.of(
          new RecordHeader(
              "content-type", CloudEventEncoder.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8)));

  private final EventLog eventLog;
  private final LogReader reader;
  private final Producer<byte[], byte[]> producer;
  private final Map<EventType, String> topics = new EnumMap<>(EventType.class);
  private final Set<String> topicsWithLeaders = new HashSet<>();
  private final ArrayDeque<Flight> inFlight = new ArrayDeque<>();
  private final LongAdder published = new LongAdder();
  private final LongAdder dropped = new LongAdder();

  private LogPosition acknowledged;
  private long inFlightBytes;
  private boolean failed;

  /**
   * Set by the producer's thread when a send fails: no more records go out until everything sent
   * has settled and the log is read again from the first failure. Each record sent after a failed
   * one is a duplicate once the log is read again.
   */
  private volatile boolean sendFailed;

  private long backoffNanos = MIN_BACKOFF_NANOS;
  private long backoffUntil;
  private long lastCheckpointNanos;

  /** One record handed to the producer; the producer's thread fills in the outcome. */
  private final class Flight implements Callback {
    final LogPosition end;
    final int bytes;
    volatile int state; // 0 pending, 1 acknowledged, 2 failed
    volatile Exception error;

    Flight(LogPosition end, int bytes) {
      this.end = end;
      this.bytes = bytes;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
      error = exception;
      state = exception == null ? 1 : 2;
      if (exception != null && !permanent(exception)) {
        sendFailed = true;
      }
    }
  }

  LogShipper(EventLog eventLog, Producer<byte[], byte[]> producer, String topicPrefix) {
    this.eventLog = eventLog;
    this.producer = producer;
    this.reader = eventLog.reader();
    this.acknowledged = reader.position();
    for (EventType type : EventType.values()) {
      topics.put(type, topicPrefix + type.topicSuffix());
    }
  }

  long published() {
    return published.sum();
  }

  long dropped() {
    return dropped.sum();
  }

  /** One round: flush if due, settle acknowledgements, send what is new. Returns records sent. */
  int step() {
    eventLog.flushIfDue();
    eventLog.prepareSpare();
    settle();
    if (failed && inFlight.isEmpty()) {
      // Everything sent has settled: read again from the first record Kafka did not take.
      failed = false;
      inFlightBytes = 0;
      reader.seek(acknowledged);
      backOff();
    }
    int sent = failed || sendFailed || System.nanoTime() < backoffUntil ? 0 : send();
    checkpointIfDue(false);
    return sent;
  }

  /**
   * Runs rounds until {@code stop} says so, idling a few milliseconds when there is nothing new.
   */
  void run(java.util.function.BooleanSupplier stop) {
    while (!stop.getAsBoolean()) {
      int sent;
      try {
        sent = step();
      } catch (RuntimeException | InternalError e) {
        // A disk error (a fault on a mapped page is an InternalError): the events stay in the log;
        // try again rather than stop shipping.
        log.error("the event shipper failed a round; trying again shortly", e);
        backOff();
        sent = 0;
      }
      if (sent == 0) {
        LockSupport.parkNanos(IDLE_NANOS);
      }
    }
  }

  /** Whether everything written so far has been acknowledged. */
  boolean caughtUp() {
    return inFlight.isEmpty() && acknowledged.compareTo(eventLog.end()) >= 0;
  }

  /** Writes the checkpoint now (on close), or when it last moved a while ago. */
  void checkpointIfDue(boolean now) {
    long time = System.nanoTime();
    if (now || time - lastCheckpointNanos >= CHECKPOINT_NANOS) {
      eventLog.release(acknowledged);
      lastCheckpointNanos = time;
    }
  }

  private int send() {
    int sent = 0;
    while (inFlight.size() < MAX_IN_FLIGHT && inFlightBytes < MAX_IN_FLIGHT_BYTES) {
      Optional<LogEntry> next = reader.next();
      if (next.isEmpty()) {
        break;
      }
      LogEntry entry = next.get();
      String topic = topics.get(entry.type());
      if (!leadersKnown(topic)) {
        reader.seek(entry.start());
        backOff();
        break;
      }
      Flight flight = new Flight(entry.end(), entry.value().length);
      byte[] key = entry.key().length == 0 ? null : entry.key();
      try {
        producer.send(new ProducerRecord<>(topic, null, key, entry.value(), HEADERS), flight);
      } catch (RuntimeException e) {
        flight.onCompletion(null, e);
      }
      inFlight.addLast(flight);
      inFlightBytes += flight.bytes;
      sent++;
      if (sendFailed) {
        break; // refused (no broker, no metadata): let everything settle and back off
      }
    }
    return sent;
  }

  /**
   * Whether every partition of the topic has a leader, asked once per topic (and again after a
   * failure). Sending a burst into a topic that is still being created (auto-creation) makes the
   * idempotent producer's first batches fail and be retried behind later ones, which the broker
   * then rejects as out of sequence; asking for metadata first (which also triggers auto-creation)
   * avoids it. Waits at most the producer's max.block.ms.
   */
  private boolean leadersKnown(String topic) {
    if (topicsWithLeaders.contains(topic)) {
      return true;
    }
    try {
      for (var partition : producer.partitionsFor(topic)) {
        if (partition.leader() == null || partition.leader().isEmpty()) {
          return false;
        }
      }
      topicsWithLeaders.add(topic);
      return true;
    } catch (RuntimeException e) {
      log.debug("no metadata yet for {}: {}", topic, e.toString());
      return false;
    }
  }

  /** Takes settled records off the head, in order, and moves {@link #acknowledged} over them. */
  private void settle() {
    while (!inFlight.isEmpty()) {
      Flight head = inFlight.peekFirst();
      int state = head.state;
      if (state == 0) {
        return;
      }
      if (state == 2 && !permanent(head.error)) {
        sendFailed = false;
        if (!failed) {
          failed = true;
          topicsWithLeaders.clear();
          log.warn(
              "kafka did not take an event ({}); the event log keeps it and everything after it,"
                  + " and sends them again",
              head.error.toString());
        }
        if (inFlight.stream().anyMatch(f -> f.state == 0)) {
          return; // wait for the rest to settle before reading again
        }
        inFlight.clear();
        return;
      }
      inFlight.pollFirst();
      inFlightBytes -= head.bytes;
      if (state == 1) {
        published.increment();
        backoffNanos = MIN_BACKOFF_NANOS;
      } else {
        dropped.increment();
        log.error(
            "EVENTS LOST: kafka refused an event for good ({}); it is dropped",
            head.error.toString());
      }
      acknowledged = head.end;
    }
  }

  /** Errors the producer itself would not retry: sending again cannot help. */
  private static boolean permanent(Exception error) {
    return error != null
        && !(error instanceof RetriableException)
        && !(error instanceof InterruptException);
  }

  private void backOff() {
    backoffUntil = System.nanoTime() + backoffNanos;
    backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
  }
}
