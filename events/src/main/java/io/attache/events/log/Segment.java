package io.attache.events.log;

import io.attache.events.EventType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file of the event log, memory-mapped: a write is a copy into the page cache, with no system
 * call, and the kernel owns those pages, so what was copied survives the process being killed.
 *
 * <p>Layout (big-endian): a {@value #HEADER_BYTES}-byte header, {@code [long magic][int
 * version][int types][long next sequence per event type]}, then records, each starting on an 8-byte
 * boundary: {@code [int body length][int crc32c][body]}, the body {@code [byte type][byte 0][short
 * key length][int value length][long sequence][key][value]}. Unwritten space is zeros, so a length
 * of 0 is where writing stopped.
 *
 * <p>The checksum covers the segment's number, then the body (version 2; version 1, which earlier
 * releases wrote, the body alone). A segment file is reused once shipped, and its zeroing is not
 * flushed to disk: after a power loss the disk may still hold the records of its earlier use behind
 * the new ones. Under another number, those never check out as records of this segment.
 *
 * <p>{@link #written} is where the last complete record ends: set by the writer after each copy,
 * read by the shipper, which reads no further.
 */
final class Segment {
  private static final Logger log = LoggerFactory.getLogger(Segment.class);
  static final int HEADER_BYTES = 64;
  static final int RECORD_HEADER_BYTES = 8;
  static final int BODY_HEADER_BYTES = 16;
  private static final long MAGIC = 0x4154544c4f473031L; // "ATTLOG01"
  private static final int VERSION = 2;
  private static final int FIRST_VERSION = 1; // checksums over the body alone
  private static final int MAX_TYPES = (HEADER_BYTES - 16) / 8;
  private static final EventType[] TYPES = EventType.values(); // values() copies on each call

  final long number;
  final Path path;
  final int capacity;
  private final MappedByteBuffer buffer;
  private final byte[] numberBytes;
  private int version = VERSION; // an opened segment's is read from its header
  volatile int written;

  /**
   * Where the records this process wrote begin: those before it were found on disk and are checked
   * as they are read. A segment this process created trusts all of its records; one found on open,
   * none ({@link EventLog}'s recovery moves it to where the records it checked end).
   */
  int trustedFrom;

  /** Where the last flush reached; changed under the log's flush lock only. */
  int forced;

  /** Set once the mapping is released; under the log's flush lock, like {@link #force}. */
  private boolean unmapped;

  private Segment(long number, Path path, MappedByteBuffer buffer) {
    this.number = number;
    this.path = path;
    this.buffer = buffer;
    this.capacity = buffer.capacity();
    this.numberBytes = java.nio.ByteBuffer.allocate(8).putLong(number).array();
  }

  static Path pathOf(Path dir, long number) {
    return dir.resolve(String.format("events-%016d.log", number));
  }

  /** A new, empty segment whose numbering starts at {@code nextSequences}. */
  static Segment create(Path dir, long number, int capacity, long[] nextSequences) {
    Path path = pathOf(dir, number);
    return new Segment(number, path, map(path, capacity, true)).start(nextSequences);
  }

  /**
   * A segment made ready ahead of need: mapped, every page touched and zero, its header blank (so
   * recovery, should it find one, deletes it). {@link #activate} makes it the next segment. Taking
   * the page faults here, on the shipper's thread, spares the request threads that write to it: the
   * first write to each page of a new file cost them about 2 µs, some 350 ns per event.
   */
  static Segment spare(Path path, int capacity) {
    Segment segment = new Segment(-1, path, map(path, capacity, true));
    segment.zero();
    return segment;
  }

  /**
   * This shipped segment as a spare: renamed to {@code sparePath} and zeroed, its pages kept mapped
   * and resident, so writing to it again takes no page faults and the file system allocates
   * nothing. This instance must not be used afterwards.
   */
  Segment recycleAs(Path sparePath) {
    try {
      java.nio.file.Files.move(path, sparePath, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot recycle event log segment " + path, e);
    }
    Segment spare = new Segment(-1, sparePath, buffer);
    spare.zero();
    return spare;
  }

  /** This spare as segment {@code number} of {@code dir}, numbering from {@code nextSequences}. */
  Segment activate(Path dir, long number, long[] nextSequences) {
    Path target = pathOf(dir, number);
    try {
      java.nio.file.Files.move(path, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rename event log segment " + path, e);
    }
    return new Segment(number, target, buffer).start(nextSequences);
  }

  private Segment start(long[] nextSequences) {
    for (int type = 0; type < nextSequences.length; type++) {
      buffer.putLong(16 + 8 * type, nextSequences[type]);
    }
    buffer.putInt(8, VERSION).putInt(12, nextSequences.length);
    buffer.putLong(0, MAGIC); // last: a segment whose start was cut short reads as blank
    written = HEADER_BYTES;
    trustedFrom = HEADER_BYTES;
    forced = 0;
    return this;
  }

  private static final byte[] ZEROS = new byte[64 << 10];

  private void zero() {
    for (int at = 0; at < capacity; at += ZEROS.length) {
      buffer.put(at, ZEROS, 0, Math.min(ZEROS.length, capacity - at));
    }
  }

  /** An existing segment; its {@link #written} is found by {@link EventLog}'s recovery. */
  static Segment open(Path path, long number) {
    try {
      long size = java.nio.file.Files.size(path);
      if (size < HEADER_BYTES || size > Integer.MAX_VALUE) {
        throw new UncheckedIOException(
            new IOException(path + " is not an event log segment: " + size + " bytes"));
      }
      Segment segment = new Segment(number, path, map(path, (int) size, false));
      segment.version = segment.buffer.getInt(8);
      segment.written = HEADER_BYTES;
      segment.trustedFrom = segment.capacity;
      return segment;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open event log segment " + path, e);
    }
  }

  private static MappedByteBuffer map(Path path, int capacity, boolean create) {
    try (FileChannel channel =
        create
            ? FileChannel.open(
                path,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE)
            : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      return channel.map(FileChannel.MapMode.READ_WRITE, 0, capacity);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot map event log segment " + path, e);
    }
  }

  /** Whether the header is ours; a segment whose creation was cut short has a zero magic. */
  boolean headerValid() {
    int stored = buffer.getInt(8);
    return buffer.getLong(0) == MAGIC && (stored == VERSION || stored == FIRST_VERSION);
  }

  boolean headerBlank() {
    for (int i = 0; i < HEADER_BYTES; i += 8) {
      if (buffer.getLong(i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** The next sequence per event type when this segment was started. */
  long[] startSequences() {
    long[] sequences = new long[EventType.values().length];
    int stored = Math.min(buffer.getInt(12), MAX_TYPES);
    for (int type = 0; type < sequences.length; type++) {
      sequences[type] = type < stored ? buffer.getLong(16 + 8 * type) : 1;
    }
    return sequences;
  }

  static int recordBytes(int keyLength, int valueLength) {
    int raw = RECORD_HEADER_BYTES + BODY_HEADER_BYTES + keyLength + valueLength;
    return (raw + 7) & ~7;
  }

  boolean fits(int recordBytes) {
    return written + recordBytes <= capacity;
  }

  /**
   * Copies one record in at {@link #written} and advances it. The caller serialises writers and has
   * checked that it {@link #fits}. {@code body} holds the 16-byte body header already filled.
   */
  void append(byte[] bodyHeader, byte[] key, byte[] value, int valueLength, CRC32C crc) {
    int at = written;
    startChecksum(crc);
    crc.update(bodyHeader, 0, BODY_HEADER_BYTES);
    crc.update(key, 0, key.length);
    crc.update(value, 0, valueLength);
    int bodyLength = BODY_HEADER_BYTES + key.length + valueLength;
    int body = at + RECORD_HEADER_BYTES;
    buffer.put(body, bodyHeader, 0, BODY_HEADER_BYTES);
    buffer.put(body + BODY_HEADER_BYTES, key, 0, key.length);
    buffer.put(body + BODY_HEADER_BYTES + key.length, value, 0, valueLength);
    buffer.putInt(at + 4, (int) crc.getValue());
    buffer.putInt(at, bodyLength);
    written = at + recordBytes(key.length, valueLength);
  }

  /** A record's checksum starts with the segment's number (version 2 on). */
  private void startChecksum(CRC32C crc) {
    crc.reset();
    if (version != FIRST_VERSION) {
      crc.update(numberBytes, 0, 8);
    }
  }

  /** The 16-byte body header of a record. */
  static void fillBodyHeader(
      byte[] into, EventType type, int keyLength, int valueLength, long seq) {
    into[0] = (byte) type.ordinal();
    into[1] = 0;
    into[2] = (byte) (keyLength >>> 8);
    into[3] = (byte) keyLength;
    putInt(into, 4, valueLength);
    putInt(into, 8, (int) (seq >>> 32));
    putInt(into, 12, (int) seq);
  }

  private static void putInt(byte[] into, int at, int value) {
    into[at] = (byte) (value >>> 24);
    into[at + 1] = (byte) (value >>> 16);
    into[at + 2] = (byte) (value >>> 8);
    into[at + 3] = (byte) value;
  }

  /**
   * The record at {@code offset}, if a whole, intact one starts there and ends by {@code limit};
   * empty when the bytes there are not one (unwritten, torn or corrupt). Its checksum is checked
   * unless this process wrote it ({@link #trustedFrom}): what it copied in under the lock cannot
   * have been torn, and checking cost the shipper a pass over every event.
   */
  Optional<LogEntry> read(int offset, int limit, CRC32C crc) {
    return read(offset, limit, crc, offset < trustedFrom);
  }

  private Optional<LogEntry> read(int offset, int limit, CRC32C crc, boolean verify) {
    if ((offset & 7) != 0 || offset < HEADER_BYTES || limit - offset < RECORD_HEADER_BYTES) {
      return Optional.empty();
    }
    int bodyLength = buffer.getInt(offset);
    if (bodyLength < BODY_HEADER_BYTES
        || (long) offset + RECORD_HEADER_BYTES + bodyLength > limit) {
      return Optional.empty();
    }
    int body = offset + RECORD_HEADER_BYTES;
    int typeIndex = buffer.get(body);
    int keyLength = buffer.getShort(body + 2) & 0xffff;
    int valueLength = buffer.getInt(body + 4);
    if (typeIndex < 0
        || typeIndex >= TYPES.length
        || valueLength < 0
        || BODY_HEADER_BYTES + keyLength + valueLength != bodyLength) {
      return Optional.empty();
    }
    byte[] key = new byte[keyLength];
    byte[] value = new byte[valueLength];
    buffer.get(body + BODY_HEADER_BYTES, key, 0, keyLength);
    buffer.get(body + BODY_HEADER_BYTES + keyLength, value, 0, valueLength);
    if (verify) {
      byte[] header = new byte[BODY_HEADER_BYTES];
      buffer.get(body, header, 0, BODY_HEADER_BYTES);
      startChecksum(crc);
      crc.update(header, 0, BODY_HEADER_BYTES);
      crc.update(key, 0, keyLength);
      crc.update(value, 0, valueLength);
      if ((int) crc.getValue() != buffer.getInt(offset + 4)) {
        return Optional.empty();
      }
    }
    long sequence = buffer.getLong(body + 8);
    int end = offset + recordBytes(keyLength, valueLength);
    return Optional.of(
        new LogEntry(
            new LogPosition(number, offset),
            new LogPosition(number, end),
            TYPES[typeIndex],
            sequence,
            key,
            value));
  }

  /** Whether nothing was ever written at {@code offset}. */
  boolean blankAt(int offset) {
    return offset + RECORD_HEADER_BYTES > capacity || buffer.getLong(offset) == 0;
  }

  /**
   * The first offset after {@code offset}, on an 8-byte boundary and before {@code limit}, where an
   * intact record starts; empty when there is none. Used to step over a corrupt record.
   */
  Optional<Integer> nextIntact(int offset, int limit, CRC32C crc) {
    for (int at = ((offset + 8) & ~7); at + RECORD_HEADER_BYTES <= limit; at += 8) {
      if (buffer.getInt(at) >= BODY_HEADER_BYTES && read(at, limit, crc, true).isPresent()) {
        return Optional.of(at);
      }
    }
    return Optional.empty();
  }

  /** Zeros what a write cut short left from {@code offset} on, up to the first 4 KiB of zeros. */
  void zeroFrom(int offset) {
    int zeros = 0;
    for (int at = offset; at + 8 <= capacity && zeros < 4096; at += 8) {
      if (buffer.getLong(at) == 0) {
        zeros += 8;
      } else {
        buffer.putLong(at, 0);
        zeros = 0;
      }
    }
  }

  /**
   * Flushes the bytes from {@link #forced} up to {@code end} to disk; does nothing once unmapped.
   * Only that range: a spare's pages are all dirty with zeros, and flushing the whole mapping wrote
   * each segment to disk twice, its zeros ahead of its records. Callers hold the log's flush lock.
   */
  void force(int end) {
    if (!unmapped && end > forced) {
      buffer.force(forced, end - forced);
      forced = end;
    }
  }

  /**
   * Releases the mapping now rather than at some later GC: a deleted segment's disk space is freed
   * only when it is unmapped. Nothing may touch the segment afterwards.
   */
  void unmap() {
    if (unmapped) {
      return;
    }
    unmapped = true;
    if (UNMAPPER != null) {
      try {
        UNMAPPER.invoke(UNSAFE, buffer);
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.debug("could not unmap {}: {}", path, e.toString());
      }
    }
  }

  private static final Object UNSAFE;
  private static final Method UNMAPPER;

  static {
    Object unsafe = null;
    Method unmapper = null;
    try {
      Class<?> type = Class.forName("sun.misc.Unsafe");
      Field field = type.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      unsafe = field.get(null);
      unmapper = type.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.debug("mappings are released by the GC: {}", e.toString());
    }
    UNSAFE = unsafe;
    UNMAPPER = unmapper;
  }
}
