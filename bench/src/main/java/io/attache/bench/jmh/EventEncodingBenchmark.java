package io.attache.bench.jmh;

import io.attache.bench.events.EventSinkProbe;
import io.attache.events.AuthzDecision;
import io.attache.events.CloudEventEncoder;
import io.attache.events.EventIds;
import io.attache.events.log.EventLog;
import io.attache.events.log.FsyncPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a request thread does per audit event before its answer leaves: a UUIDv7 id, the CloudEvents
 * JSON of an authz decision and its copy into the event log, against a baseline that only reads the
 * event's key.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EventEncodingBenchmark {
  private static final long EPOCH_MILLIS = 1_795_000_000_000L;

  private final CloudEventEncoder encoder = new CloudEventEncoder("/attache/ext-authz/bench-7f9c");
  private final AuthzDecision event = EventSinkProbe.sample(12345);
  private final String id = EventIds.next(EPOCH_MILLIS);
  private long sequence;

  @Benchmark
  public String baseline() {
    return event.partitionKey();
  }

  @Benchmark
  public String eventId() {
    return EventIds.next(EPOCH_MILLIS);
  }

  @Benchmark
  public byte[] encodeAuthzDecision() {
    return encoder.encode(event, id, ++sequence, EPOCH_MILLIS);
  }

  /**
   * What {@code publish()} does on the request thread: id, JSON, and the copy into the event log
   * (memory-mapped, no fsync), numbered under its lock. Shipped records are released now and then
   * and a spare segment made ready, as the shipper does, so the log never fills.
   */
  @Benchmark
  public long publishToEventLog() {
    long now = EPOCH_MILLIS;
    encoder.encodeUnnumbered(event, now);
    long appended =
        eventLog.append(
            event.type(), event.partitionKey().getBytes(StandardCharsets.UTF_8), encoder, scratch);
    if ((appended & 0x3fff) == 0) {
      eventLog.release(eventLog.end());
      eventLog.prepareSpare();
    }
    return appended;
  }

  private final EventLog.Scratch scratch = new EventLog.Scratch();
  private EventLog eventLog;
  private Path logDir;

  @Setup
  public void openLog() throws IOException {
    logDir = Files.createTempDirectory("attache-jmh-log");
    eventLog = EventLog.open(logDir, 16 << 20, 1L << 30, FsyncPolicy.NEVER, Duration.ofSeconds(1));
  }

  @TearDown
  public void closeLog() throws IOException {
    eventLog.close();
    try (var files = Files.list(logDir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.delete(file);
      }
    }
    Files.delete(logDir);
  }
}
