package io.attache.events.log;

import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Reads the log in order for its one shipper, never past what writers have completed. A corrupt
 * record is stepped over to the next intact one and counted, loudly, so one bad record never stops
 * shipping. Single-threaded.
 */
public final class LogReader {
  private final EventLog log;
  private final CRC32C crc = new CRC32C();
  private Segment segment;
  private int offset;

  LogReader(EventLog log, LogPosition from) {
    this.log = log;
    seek(from);
  }

  /** Reads on from {@code position} (a record's start, or a segment's first record). */
  public void seek(LogPosition position) {
    segment = log.segment(position.segment());
    offset = Math.max(position.offset(), Segment.HEADER_BYTES);
    if (segment == null) {
      segment = log.segmentAfter(position.segment()).orElseThrow();
      offset = Segment.HEADER_BYTES;
    }
  }

  /** Where the next read starts. */
  public LogPosition position() {
    return new LogPosition(segment.number, offset);
  }

  /** The next record, or empty when the reader has caught up with the writers. */
  public Optional<LogEntry> next() {
    while (true) {
      int limit = segment.written;
      if (offset < limit) {
        Optional<LogEntry> entry = segment.read(offset, limit, crc);
        if (entry.isPresent()) {
          offset = entry.get().end().offset();
          return entry;
        }
        boolean blank = segment.blankAt(offset);
        Optional<Integer> next = segment.nextIntact(offset, limit, crc);
        if (next.isPresent()) {
          log.countCorrupt(segment, offset, next.get() - offset);
          offset = next.get();
          continue;
        }
        if (!blank) {
          log.countCorrupt(segment, offset, limit - offset);
        }
        offset = limit; // the unwritten end of a segment that rolled
      }
      Optional<Segment> successor = log.segmentAfter(segment.number);
      if (successor.isEmpty()) {
        return Optional.empty();
      }
      if (segment.written > offset) {
        continue; // written just before the roll that made the successor
      }
      segment = successor.get();
      offset = Segment.HEADER_BYTES;
    }
  }
}
