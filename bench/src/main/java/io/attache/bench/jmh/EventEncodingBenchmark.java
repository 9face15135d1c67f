package io.attache.bench.jmh;

import io.attache.bench.events.EventSinkProbe;
import io.attache.events.AuthzDecision;
import io.attache.events.CloudEventEncoder;
import io.attache.events.EventIds;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What the event sink's thread does per audit event before Kafka sees it: a UUIDv7 id and the
 * CloudEvents JSON of an authz decision, against a baseline that only reads the event's key.
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
}
