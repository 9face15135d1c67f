package io.attache.events.log;

import io.attache.events.CloudEventEncoder;
import io.attache.events.EventType;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local append-only log every event is written to before the answer it records leaves the
 * service, and from which a shipper streams events to Kafka.
 *
 * <p>Request threads {@link #append} under one short lock: the event's {@code sequence} is assigned
 * there, in log order, and the record is copied into a memory-mapped {@link Segment}. So the log's
 * order is the sequence's order, and after any crash the next sequence follows the last record in
 * the log: a gap a consumer sees is a record that is really missing, never a restart.
 *
 * <p>One reader, the shipper, reads records in order ({@link #reader}) and, once Kafka has
 * acknowledged them, {@link #release}s them: the checkpoint moves, and segments wholly behind it
 * are deleted. The log is bounded: when every segment it may have is in use, {@link #append}
 * refuses and the caller decides (drop or reject).
 *
 * <p>On open, the last segment is scanned: a record a crash cut short is zeroed and counted, and a
 * corrupt one with intact records after it is stepped over, loudly. Appending never waits for
 * anything but the lock and, under {@link FsyncPolicy#ALWAYS}, the disk.
 */
public final class EventLog implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(EventLog.class);

  /** Why an {@link #append} wrote nothing. */
  public static final long FULL = -1;

  public static final long TOO_LARGE = -2;

  private final Path dir;
  private final int segmentBytes;
  private final int maxSegments;
  private final FsyncPolicy fsync;
  private final long fsyncIntervalNanos;
  private final Checkpoint checkpoint;
  private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
  private final Object flushLock = new Object();
  private final LongAdder appended = new LongAdder();
  private final LongAdder corrupt = new LongAdder();
  private final LongAdder torn = new LongAdder();

  // Guarded by this.
  private final long[] nextSequences = new long[EventType.values().length];
  private volatile Segment active;
  private boolean closed;

  /** The next segment, made ready by the shipper so that rolling takes no page faults. */
  private final java.util.concurrent.atomic.AtomicReference<Segment> spare =
      new java.util.concurrent.atomic.AtomicReference<>();

  // The shipper's: a shipped segment kept to become the next spare, and the spares' names.
  private Segment recyclable;
  private long spares;

  private volatile LogPosition released;
  private long lastForceNanos = System.nanoTime();

  private EventLog(
      Path dir, int segmentBytes, long maxBytes, FsyncPolicy fsync, Duration fsyncInterval) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.maxSegments = (int) Math.max(2, Math.min(Integer.MAX_VALUE, maxBytes / segmentBytes));
    this.fsync = fsync;
    this.fsyncIntervalNanos = fsyncInterval.toNanos();
    this.checkpoint = new Checkpoint(dir.resolve("checkpoint"));
  }

  /**
   * Opens (or creates) the log in {@code dir}: repairs the tail a crash left and resumes numbering
   * after the last record. {@code maxBytes} bounds the segments it may hold (at least two).
   */
  public static EventLog open(
      Path dir, int segmentBytes, long maxBytes, FsyncPolicy fsync, Duration fsyncInterval) {
    if (segmentBytes < 4096 || maxBytes <= 0) {
      throw new IllegalArgumentException("event log sizes too small");
    }
    EventLog eventLog = new EventLog(dir, segmentBytes, maxBytes, fsync, fsyncInterval);
    try {
      Files.createDirectories(dir);
      eventLog.resume(LogRecovery.recover(dir, segmentBytes, eventLog.checkpoint));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the event log in " + dir, e);
    }
    return eventLog;
  }

  private void resume(LogRecovery.Recovered recovered) {
    segments.putAll(recovered.segments());
    active = recovered.active();
    System.arraycopy(recovered.nextSequences(), 0, nextSequences, 0, nextSequences.length);
    released = recovered.released();
    torn.add(recovered.torn());
    corrupt.add(recovered.setAside());
  }

  /**
   * Appends one event and returns its sequence, or {@link #FULL} / {@link #TOO_LARGE} having
   * written nothing. The event's JSON in {@code value} carries its sequence as 20 zero-padded
   * digits at {@code sequenceAt}: they are filled in here, under the lock that orders the log.
   * Returns only once the record is in the page cache (under {@code ALWAYS}: on disk).
   */
  public long append(
      EventType type, byte[] key, byte[] value, int valueLength, int sequenceAt, Scratch scratch) {
    int bytes = Segment.recordBytes(key.length, valueLength);
    if (bytes > segmentBytes - Segment.HEADER_BYTES || key.length > 0xffff) {
      return TOO_LARGE;
    }
    long sequence;
    Segment segment;
    int end;
    synchronized (this) {
      if (closed) {
        return FULL;
      }
      segment = active;
      if (!segment.fits(bytes)) {
        segment = roll();
        if (segment == null) {
          return FULL;
        }
      }
      sequence = nextSequences[type.ordinal()]++;
      writeDigits(value, sequenceAt, sequence);
      Segment.fillBodyHeader(scratch.bodyHeader, type, key.length, valueLength, sequence);
      segment.append(scratch.bodyHeader, key, value, valueLength, scratch.crc);
      end = segment.written;
    }
    appended.increment();
    if (fsync == FsyncPolicy.ALWAYS) {
      forceUpTo(segment, end);
    }
    return sequence;
  }

  /**
   * Appends the event {@code encoder} has just encoded ({@link
   * CloudEventEncoder#encodeUnnumbered}), numbering it in place; as {@link #append(EventType,
   * byte[], byte[], int, int, Scratch)}.
   */
  public long append(EventType type, byte[] key, CloudEventEncoder encoded, Scratch scratch) {
    return append(type, key, encoded.buffer(), encoded.length(), encoded.sequenceOffset(), scratch);
  }

  /**
   * {@code value} (not negative) as 20 zero-padded digits: in int-sized parts, two digits a step.
   * It runs under the lock that orders the log, where twenty long divisions showed in a profile.
   */
  private static void writeDigits(byte[] into, int at, long value) {
    long upper = value / 100_000_000;
    long top = upper / 100_000_000; // below 10^4: a long is below 10^19
    writePairs(into, at + 12, (int) (value - upper * 100_000_000), 4);
    writePairs(into, at + 4, (int) (upper - top * 100_000_000), 4);
    writePairs(into, at, (int) top, 2);
  }

  private static void writePairs(byte[] into, int at, int value, int pairs) {
    int rest = value;
    for (int i = at + 2 * (pairs - 1); i >= at; i -= 2) {
      int pair = rest % 100;
      rest /= 100;
      into[i] = (byte) ('0' + pair / 10);
      into[i + 1] = (byte) ('0' + pair % 10);
    }
  }

  /** A new active segment, or null when the log holds as many as it may. Under the lock. */
  private Segment roll() {
    if (segments.size() >= maxSegments) {
      return null;
    }
    Segment previous = active;
    if (fsync == FsyncPolicy.ALWAYS) {
      forceUpTo(previous, previous.written);
    }
    Segment ready = spare.getAndSet(null);
    Segment next =
        ready != null
            ? ready.activate(dir, previous.number + 1, nextSequences)
            : Segment.create(dir, previous.number + 1, segmentBytes, nextSequences);
    segments.put(next.number, next);
    active = next;
    return next;
  }

  /** Per-thread buffers for {@link #append}, so appending allocates nothing. */
  public static final class Scratch {
    final byte[] bodyHeader = new byte[Segment.BODY_HEADER_BYTES];
    final CRC32C crc = new CRC32C();
  }

  private void forceUpTo(Segment segment, int end) {
    synchronized (flushLock) {
      if (segment.forced >= end) {
        return; // a flush that started after this record was written has covered it
      }
      segment.force(segment.written);
    }
  }

  /**
   * What {@code INTERVAL} does: flushes the segments written since the last flush, if the interval
   * has passed. Called by the shipper's thread.
   */
  public void flushIfDue() {
    if (fsync != FsyncPolicy.INTERVAL || System.nanoTime() - lastForceNanos < fsyncIntervalNanos) {
      return;
    }
    flushAll();
    lastForceNanos = System.nanoTime();
  }

  private void flushAll() {
    for (Segment segment : segments.values()) {
      int written = segment.written;
      if (segment.forced < written) {
        forceUpTo(segment, written);
      }
    }
  }

  /** A reader from the last released position: what Kafka has not yet acknowledged. */
  public LogReader reader() {
    return new LogReader(this, released);
  }

  Segment segment(long number) {
    return segments.get(number);
  }

  Optional<Segment> segmentAfter(long number) {
    Map.Entry<Long, Segment> next = segments.higherEntry(number);
    return next == null ? Optional.empty() : Optional.of(next.getValue());
  }

  void countCorrupt(Segment segment, int offset, int skipped) {
    corrupt.increment();
    log.error(
        "EVENTS LOST: event log {} has a corrupt record at offset {}; skipped {} bytes",
        segment.path,
        offset,
        skipped);
  }

  /**
   * Records everything before {@code upTo} as delivered: the checkpoint moves there, so a restart
   * reads on from it, and segments wholly behind it are deleted (never the active one).
   */
  public void release(LogPosition upTo) {
    if (upTo.compareTo(released) <= 0) {
      return;
    }
    released = upTo;
    checkpoint.write(upTo);
    for (Segment segment : segments.headMap(upTo.segment(), false).values()) {
      if (segment != active) {
        retire(segment);
      }
    }
  }

  /**
   * A shipped segment: kept to be a later spare, unless one is kept already, else deleted. Kept
   * even while a spare is ready: at full speed a 16 MiB segment fills in a fifth of a second, less
   * than it takes Kafka to acknowledge the one before, so the spare after next was otherwise a new
   * file each time (its pages allocated by the file system, faulted in, and the shipped segment
   * deleted), which cost the shipper more than reusing one.
   */
  private void retire(Segment segment) {
    segments.remove(segment.number);
    if (recyclable == null) {
      recyclable = segment;
      return;
    }
    delete(segment);
  }

  /**
   * Makes the next segment ready when there is none: the last shipped one, zeroed, or else, once
   * the active segment is half written, a new one with its pages touched. Called by the shipper's
   * thread, so that neither the file system's allocation nor the page faults of a new segment fall
   * on a request thread. At most two segments more than the bound are kept for it: the spare and a
   * shipped segment waiting to be the next one.
   */
  public void prepareSpare() {
    if (spare.get() != null) {
      return;
    }
    Path path = dir.resolve("spare-" + (++spares) + ".log");
    if (recyclable != null) {
      Segment shipped = recyclable;
      recyclable = null;
      spare.set(shipped.recycleAs(path));
    } else if (active.written > segmentBytes / 2) {
      spare.set(Segment.spare(path, segmentBytes));
    }
  }

  private void delete(Segment segment) {
    synchronized (flushLock) {
      segment.unmap();
    }
    deleteQuietly(segment.path);
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("event log: cannot delete {}: {}", file, e.toString());
    }
  }

  /** Bytes written and not yet released: what a restart would still send. */
  public long backlogBytes() {
    LogPosition from = released;
    long bytes = 0;
    for (Segment segment : segments.tailMap(from.segment(), true).values()) {
      int start = segment.number == from.segment() ? from.offset() : Segment.HEADER_BYTES;
      bytes += Math.max(0, segment.written - start);
    }
    return bytes;
  }

  /** The end of what is written now. */
  public LogPosition end() {
    Segment segment = active;
    return new LogPosition(segment.number, segment.written);
  }

  public long appended() {
    return appended.sum();
  }

  /** Records found corrupt (and skipped) on open or while reading. */
  public long corruptRecords() {
    return corrupt.sum();
  }

  /** Records a crash cut short, removed on open; their answers were never sent. */
  public long tornRecords() {
    return torn.sum();
  }

  /** Stops appending, flushes, and releases the mappings. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    flushAll();
    for (Segment segment : segments.values()) {
      synchronized (flushLock) {
        segment.unmap();
      }
    }
    for (Segment unused : new Segment[] {spare.getAndSet(null), recyclable}) {
      if (unused != null) {
        delete(unused);
      }
    }
    recyclable = null;
    checkpoint.close();
  }
}
