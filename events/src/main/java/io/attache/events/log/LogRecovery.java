package io.attache.events.log;

import io.attache.events.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an {@link EventLog} finds in its directory when it opens: the segments, where the last one's
 * records end, the next sequence of each type, and where shipping resumes. A record a crash cut
 * short is zeroed and counted; a segment whose header is not ours is set aside; spares made ready
 * and never used are deleted. Runs once, before any thread appends or ships.
 */
final class LogRecovery {
  private static final Logger log = LoggerFactory.getLogger(LogRecovery.class);
  static final Pattern SEGMENT_NAME = Pattern.compile("events-(\\d{16})\\.log");
  static final Pattern SPARE_NAME = Pattern.compile("spare-\\d+\\.log");
  private static final String LEGACY_SEQUENCES = "sequences.properties";

  /**
   * @param segments the segments, by number, the last one {@code active}
   * @param nextSequences the next sequence of each event type, by ordinal
   * @param released where shipping resumes: the checkpoint, or the first record
   * @param torn records a crash cut short, removed
   * @param setAside segments set aside with a header that is not ours
   */
  record Recovered(
      NavigableMap<Long, Segment> segments,
      Segment active,
      long[] nextSequences,
      LogPosition released,
      long torn,
      long setAside) {}

  private final Path dir;
  private long torn;
  private long setAside;

  private LogRecovery(Path dir) {
    this.dir = dir;
  }

  /** Reads what {@code dir} holds, repairing what a crash left; creates the first segment. */
  static Recovered recover(Path dir, int segmentBytes, Checkpoint checkpoint) throws IOException {
    return new LogRecovery(dir).run(segmentBytes, checkpoint);
  }

  private Recovered run(int segmentBytes, Checkpoint checkpoint) throws IOException {
    TreeMap<Long, Segment> segments = new TreeMap<>();
    List<Long> numbers = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(
          file -> {
            String name = file.getFileName().toString();
            Matcher matcher = SEGMENT_NAME.matcher(name);
            if (matcher.matches()) {
              numbers.add(Long.parseLong(matcher.group(1)));
            } else if (SPARE_NAME.matcher(name).matches()) {
              EventLog.deleteQuietly(file); // made ready, never used: holds no event
            }
          });
    }
    numbers.sort(null);
    warnOfLegacySpool();
    Optional<LogPosition> checkpointed = checkpoint.read();
    for (long number : numbers) {
      Segment segment = Segment.open(Segment.pathOf(dir, number), number);
      if (segment.headerValid()) {
        segment.written = segment.capacity; // all but the last are complete; the last is scanned
        segments.put(number, segment);
      } else {
        setAside(segment);
      }
    }
    Segment active;
    long[] nextSequences;
    if (segments.isEmpty()) {
      long first = checkpointed.map(p -> p.segment() + 1).orElse(1L);
      nextSequences = legacySequences();
      active = Segment.create(dir, first, segmentBytes, nextSequences);
      segments.put(first, active);
    } else {
      active = segments.lastEntry().getValue();
      nextSequences = scanTail(active);
    }
    LogPosition start = new LogPosition(segments.firstKey(), Segment.HEADER_BYTES);
    LogPosition released = checkpointed.filter(p -> p.compareTo(start) > 0).orElse(start);
    return new Recovered(segments, active, nextSequences, released, torn, setAside);
  }

  /**
   * Segments of the spool this log replaced are not read: said loudly, so an operator who upgraded
   * while Kafka was down knows that events wait there (the earlier version ships them).
   */
  private void warnOfLegacySpool() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      long legacy =
          files.filter(f -> f.getFileName().toString().matches("segment-\\d{16}\\.spool")).count();
      if (legacy > 0) {
        log.error(
            "EVENTS NOT SHIPPED: {} holds {} spool segments of an earlier version, which this"
                + " version does not read; run the earlier version once with Kafka reachable to"
                + " ship them",
            dir,
            legacy);
      }
    }
  }

  /** A segment whose header is not ours: kept aside for inspection, never read or deleted. */
  private void setAside(Segment segment) throws IOException {
    // Read before the mapping is released: touching it afterwards is a segfault, not an exception.
    boolean blank = segment.headerBlank();
    segment.unmap();
    if (blank) {
      // Its creation was cut short: nothing was ever written to it.
      Files.delete(segment.path);
      return;
    }
    Path aside = segment.path.resolveSibling(segment.path.getFileName() + ".corrupt");
    Files.move(segment.path, aside);
    setAside++;
    log.error("EVENTS LOST: {} has no valid header; moved to {}", segment.path, aside);
  }

  /**
   * Finds where the last segment's records end and returns the next sequence of each type: a torn
   * record at the end (a crash mid-copy) is zeroed; a corrupt one with intact records after it is
   * left for the reader, which skips it, counts it and says so when it gets there.
   */
  private long[] scanTail(Segment segment) {
    long[] sequences = segment.startSequences();
    CRC32C crc = new CRC32C();
    int offset = Segment.HEADER_BYTES;
    while (true) {
      Optional<LogEntry> entry = segment.read(offset, segment.capacity, crc);
      if (entry.isPresent()) {
        int type = entry.get().type().ordinal();
        sequences[type] = Math.max(sequences[type], entry.get().sequence() + 1);
        offset = entry.get().end().offset();
        continue;
      }
      // Zeros are where writing stopped, unless a machine crash lost a page the records after it
      // kept: look on, so that appending never overwrites records that survived.
      Optional<Integer> next = segment.nextIntact(offset, segment.capacity, crc);
      if (next.isEmpty() && segment.blankAt(offset)) {
        break;
      }
      if (next.isEmpty()) {
        torn++;
        log.warn(
            "event log: a record cut short by a crash at {} offset {} is removed (its answer was"
                + " never sent)",
            segment.path,
            offset);
        segment.zeroFrom(offset);
        break;
      }
      // Stepped over here only to find the end; the reader reports it when it gets there.
      offset = next.get();
    }
    segment.written = offset;
    segment.trustedFrom = offset;
    segment.forced = offset;
    return sequences;
  }

  /**
   * Numbering left by the spool this log replaced ({@code sequences.properties}: the next number
   * per topic), so an upgrade continues each topic's series instead of starting it over.
   */
  private long[] legacySequences() throws IOException {
    long[] sequences = new long[EventType.values().length];
    java.util.Arrays.fill(sequences, 1);
    Path file = dir.resolve(LEGACY_SEQUENCES);
    if (Files.exists(file)) {
      java.util.Properties stored = new java.util.Properties();
      try (var reader = Files.newBufferedReader(file)) {
        stored.load(reader);
      }
      for (EventType type : EventType.values()) {
        for (Map.Entry<Object, Object> entry : stored.entrySet()) {
          if (((String) entry.getKey()).endsWith(type.topicSuffix())) {
            sequences[type.ordinal()] =
                Math.max(sequences[type.ordinal()], Long.parseLong((String) entry.getValue()));
          }
        }
      }
    }
    return sequences;
  }
}
