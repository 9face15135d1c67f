package io.attache.events.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Fuzz target for reading the event log back after a crash: the input is a segment file as found on
 * disk (behind a valid header when the first byte is odd, so that records are reached). Opening
 * recovers it or fails with an {@link UncheckedIOException}; the reader then returns only records
 * whose checksum, recomputed here over the bytes that were on disk, matches the stored one, with
 * the type, sequence, key and value stored there, in increasing offsets, and stops.
 */
class LogRecordFuzzTest {
  private static final long MAGIC = 0x4154544c4f473031L;
  private static final Path ROOT = scratchRoot();

  @FuzzTest
  void readsOnlyIntactRecords(byte[] input) throws IOException {
    byte[] file = input.length > 0 && (input[0] & 1) != 0 ? behindHeader(input) : input;
    Path dir = Files.createTempDirectory(ROOT, "log");
    try {
      Files.write(Segment.pathOf(dir, 1), file);
      EventLog log;
      try {
        log = EventLog.open(dir, 4096, 1 << 20, FsyncPolicy.NEVER, Duration.ofSeconds(1));
      } catch (UncheckedIOException unreadable) {
        return;
      }
      try {
        readAll(log, file);
      } finally {
        log.close();
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void readAll(EventLog log, byte[] file) {
    LogReader reader = log.reader();
    int lastOffset = -1;
    for (Optional<LogEntry> next; (next = reader.next()).isPresent(); ) {
      LogEntry entry = next.get();
      if (entry.start().segment() != 1) {
        continue; // a segment recovery made because the file was not one
      }
      int offset = entry.start().offset();
      assertThat(offset).isGreaterThan(lastOffset);
      lastOffset = offset;
      assertIntactOnDisk(file, entry);
    }
  }

  private static void assertIntactOnDisk(byte[] file, LogEntry entry) {
    ByteBuffer disk = ByteBuffer.wrap(file);
    int offset = entry.start().offset();
    int bodyLength = disk.getInt(offset);
    int stored = disk.getInt(offset + 4);
    CRC32C crc = new CRC32C();
    crc.update(file, offset + 8, bodyLength);
    assertThat((int) crc.getValue()).as("checksum at offset %d", offset).isEqualTo(stored);
    int body = offset + 8;
    assertThat(file[body]).isEqualTo((byte) entry.type().ordinal());
    assertThat(disk.getLong(body + 8)).isEqualTo(entry.sequence());
    int keyLength = disk.getShort(body + 2) & 0xffff;
    assertThat(entry.key()).isEqualTo(slice(file, body + 16, keyLength));
    assertThat(entry.value()).isEqualTo(slice(file, body + 16 + keyLength, disk.getInt(body + 4)));
  }

  private static byte[] slice(byte[] bytes, int from, int length) {
    byte[] part = new byte[length];
    System.arraycopy(bytes, from, part, 0, length);
    return part;
  }

  /** A header for four event types numbered from 1, then the input after its first byte. */
  private static byte[] behindHeader(byte[] input) {
    ByteBuffer file = ByteBuffer.allocate(Segment.HEADER_BYTES + input.length - 1);
    file.putLong(MAGIC).putInt(1).putInt(4);
    for (int type = 0; type < 4; type++) {
      file.putLong(1);
    }
    file.position(Segment.HEADER_BYTES);
    file.put(input, 1, input.length - 1);
    return file.array();
  }

  /** In memory where there is one: each input is a directory and a file. */
  private static Path scratchRoot() {
    try {
      Path shm = Path.of("/dev/shm");
      return Files.isDirectory(shm) && Files.isWritable(shm)
          ? Files.createTempDirectory(shm, "log-fuzz")
          : Files.createTempDirectory("log-fuzz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
