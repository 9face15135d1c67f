package io.attache.events.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.events.CloudEventEncoder;
import io.attache.events.Event;
import io.attache.events.EventType;
import io.attache.events.SampleEvents;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event log on its own: order, numbering across reopening, a crash's torn tail, corrupt
 * records, the bound and the checkpoint. A log opened again without {@code close()} is what a
 * killed process leaves: the mapped pages it wrote are in the page cache.
 */
class EventLogTest {
  private static final int SEGMENT = 8192;

  @TempDir Path dir;

  private final CloudEventEncoder encoder = new CloudEventEncoder("/attache/test/log");
  private final EventLog.Scratch scratch = new EventLog.Scratch();

  private EventLog open(long maxBytes) {
    return EventLog.open(dir, SEGMENT, maxBytes, FsyncPolicy.NEVER, Duration.ofSeconds(1));
  }

  private EventLog open() {
    return open(1 << 20);
  }

  private long append(EventLog log, Event event) {
    encoder.encodeUnnumbered(event, "id-" + System.nanoTime(), 1_700_000_000_000L);
    return log.append(
        event.type(), event.partitionKey().getBytes(StandardCharsets.UTF_8), encoder, scratch);
  }

  private static List<LogEntry> readAll(EventLog log) {
    LogReader reader = log.reader();
    List<LogEntry> entries = new ArrayList<>();
    for (Optional<LogEntry> next = reader.next(); next.isPresent(); next = reader.next()) {
      entries.add(next.get());
    }
    return entries;
  }

  private static String sequenceIn(LogEntry entry) {
    String json = new String(entry.value(), StandardCharsets.UTF_8);
    int at = json.indexOf("\"sequence\":\"") + 12;
    return json.substring(at, at + 20);
  }

  @Test
  void eventsAreReadBackInOrderNumberedPerTypeInTheirJson() {
    EventLog log = open();
    assertThat(append(log, SampleEvents.authz("a", 1))).isEqualTo(1);
    assertThat(append(log, SampleEvents.config())).isEqualTo(1);
    assertThat(append(log, SampleEvents.authz("b", 2))).isEqualTo(2);

    List<LogEntry> entries = readAll(log);
    assertThat(entries)
        .extracting(LogEntry::type)
        .containsExactly(
            EventType.AUTHZ_DECISION, EventType.CONFIG_CHANGE, EventType.AUTHZ_DECISION);
    assertThat(entries).extracting(LogEntry::sequence).containsExactly(1L, 1L, 2L);
    assertThat(entries.get(2).key()).isEqualTo("b".getBytes(StandardCharsets.UTF_8));
    assertThat(sequenceIn(entries.get(2))).isEqualTo("00000000000000000002");
    log.close();
  }

  @Test
  void aKilledProcessesLogContinuesItsNumberingAfterTheLastRecord() {
    EventLog first = open();
    for (int i = 0; i < 100; i++) {
      append(first, SampleEvents.authz("u", i));
    }
    // No close: the process died; the mapped pages are all a new process finds.
    EventLog second = open();
    assertThat(append(second, SampleEvents.authz("u", 100))).isEqualTo(101);
    assertThat(readAll(second)).hasSize(101);
    second.close();
  }

  @Test
  void aRecordACrashCutShortIsRemovedCountedAndItsSequenceReused() throws IOException {
    EventLog first = open();
    for (int i = 0; i < 10; i++) {
      append(first, SampleEvents.authz("u", i));
    }
    LogPosition lastStart = readAll(first).get(9).start();
    // The copy of the last record stopped half-way: its length is there, its tail is not.
    try (RandomAccessFile file = new RandomAccessFile(onlySegment().toFile(), "rw")) {
      file.seek(lastStart.offset() + 40);
      file.write(new byte[200]);
    }

    EventLog second = open();
    assertThat(second.tornRecords()).isEqualTo(1);
    assertThat(second.corruptRecords()).isZero();
    assertThat(readAll(second)).hasSize(9);
    assertThat(append(second, SampleEvents.authz("u", 9))).isEqualTo(10);
    assertThat(readAll(second)).extracting(LogEntry::sequence).endsWith(9L, 10L);
    second.close();
  }

  @Test
  void aCorruptRecordWithIntactOnesAfterItIsSkippedLoudlyAndTheRestRead() throws IOException {
    EventLog first = open();
    for (int i = 0; i < 10; i++) {
      append(first, SampleEvents.authz("u", i));
    }
    LogPosition fifth = readAll(first).get(4).start();
    try (RandomAccessFile file = new RandomAccessFile(onlySegment().toFile(), "rw")) {
      file.seek(fifth.offset() + 60);
      file.write('#');
    }

    EventLog second = open();
    assertThat(readAll(second))
        .extracting(LogEntry::sequence)
        .containsExactly(1L, 2L, 3L, 4L, 6L, 7L, 8L, 9L, 10L);
    assertThat(second.corruptRecords()).isEqualTo(1);
    assertThat(append(second, SampleEvents.authz("u", 10))).isEqualTo(11);
    second.close();
  }

  @Test
  void aCorruptRecordInAnOlderSegmentIsSkippedWhileShipping() throws IOException {
    EventLog first = open();
    for (int i = 0; i < 60; i++) {
      append(first, SampleEvents.authz("u", i));
    }
    assertThat(segments()).hasSizeGreaterThan(2);
    LogPosition second = readAll(first).get(1).start();
    try (RandomAccessFile file = new RandomAccessFile(segments().get(0).toFile(), "rw")) {
      file.seek(second.offset() + 60);
      file.write('#');
    }

    EventLog reopened = open();
    List<LogEntry> entries = readAll(reopened);
    assertThat(entries).hasSize(59);
    assertThat(entries.get(1).sequence()).isEqualTo(3);
    assertThat(reopened.corruptRecords()).isEqualTo(1);
    reopened.close();
  }

  @Test
  void aFullLogRefusesAppendsUntilShippedRecordsAreReleased() {
    EventLog log = open(2 * SEGMENT);
    long sequence;
    int appended = 0;
    while ((sequence = append(log, SampleEvents.authz("u", appended))) > 0) {
      appended++;
    }
    assertThat(sequence).isEqualTo(EventLog.FULL);
    assertThat(readAll(log)).hasSize(appended);

    log.release(log.end());
    assertThat(append(log, SampleEvents.authz("u", appended))).isEqualTo(appended + 1L);
    log.close();
  }

  @Test
  void releasedRecordsAreNotReadAgainAfterARestartAndTheirSegmentsAreDeleted() {
    EventLog first = open();
    for (int i = 0; i < 60; i++) {
      append(first, SampleEvents.authz("u", i));
    }
    List<LogEntry> entries = readAll(first);
    first.release(entries.get(39).end());
    assertThat(segments().size()).isLessThan(4);
    first.close();

    EventLog second = open();
    assertThat(readAll(second)).extracting(LogEntry::sequence).first().isEqualTo(41L);
    assertThat(append(second, SampleEvents.authz("u", 60))).isEqualTo(61);
    second.close();
  }

  @Test
  void aShippedSegmentIsZeroedAndReusedAsTheNextOne() {
    EventLog log = open();
    int n = 0;
    while (segments().size() < 3) {
      append(log, SampleEvents.authz("u", n++));
    }
    log.release(log.end());
    log.prepareSpare(); // the shipper's step: the first released segment becomes the spare
    assertThat(spares()).hasSize(1);
    n = appendUntilARoll(log, n);
    assertThat(spares()).isEmpty();
    List<LogEntry> entries = readAll(log);
    assertThat(entries).isNotEmpty();
    assertThat(entries.get(entries.size() - 1).sequence()).isEqualTo(n);
    // Nothing of its earlier contents shows through: read back after a restart, the same records.
    EventLog reopened = open();
    assertThat(readAll(reopened))
        .extracting(LogEntry::sequence)
        .isEqualTo(entries.stream().map(LogEntry::sequence).toList());
    assertThat(reopened.tornRecords()).isZero();
    assertThat(reopened.corruptRecords()).isZero();
    reopened.close();
  }

  /**
   * A segment shipped while a spare is ready is kept, and its file becomes the spare after that one
   * (the same inode), rather than being deleted and a new file made: at full speed the next spare
   * is needed before Kafka has acknowledged the segment before it.
   */
  @Test
  void aSegmentShippedWhileASpareIsReadyBecomesTheSpareAfterIt() throws IOException {
    EventLog log = open();
    int n = 0;
    n = appendUntilANewSpare(log, n); // the first segment half written, nothing shipped yet
    Path first = segments().get(0);
    Object firstFile = Files.getAttribute(first, "unix:ino");
    n = appendUntilARoll(log, n);
    n = appendUntilANewSpare(log, n);

    log.release(log.end()); // the first segment shipped while the second spare is ready
    assertThat(first).exists();
    n = appendUntilARoll(log, n);
    log.prepareSpare();

    assertThat(spares()).hasSize(1);
    assertThat(Files.getAttribute(spares().get(0), "unix:ino")).isEqualTo(firstFile);
    assertThat(first).doesNotExist();
    assertThat(readAll(log)).last().extracting(LogEntry::sequence).isEqualTo((long) n);
    log.close();
  }

  /**
   * A reused segment's zeroing is not flushed, so after a power loss the disk may hold the records
   * of the file's earlier use behind the new ones: they are not read as records of the new segment
   * (its number is in every record's checksum), neither served again nor reported corrupt.
   */
  @Test
  void recordsOfASegmentsEarlierUseAreNotReadAfterAPowerLoss() throws IOException {
    EventLog log = open();
    int n = 0;
    while (segments().size() < 2) {
      append(log, SampleEvents.authz("u", n++));
    }
    Path first = segments().get(0);
    byte[] earlierUse = Files.readAllBytes(first);
    log.release(log.end());
    log.prepareSpare(); // the first segment's file, zeroed, is the next segment
    n = appendUntilARoll(log, n);
    List<Long> served = readAll(log).stream().map(LogEntry::sequence).toList();
    int end = log.end().offset();
    Path reused = segments().get(segments().size() - 1);

    // The power loss: the zeros after the last record never reached the disk.
    try (RandomAccessFile file = new RandomAccessFile(reused.toFile(), "rw")) {
      file.seek(end);
      file.write(earlierUse, end, earlierUse.length - end);
    }
    EventLog reopened = open();

    assertThat(readAll(reopened)).extracting(LogEntry::sequence).isEqualTo(served);
    assertThat(reopened.corruptRecords()).isZero();
    assertThat(append(reopened, SampleEvents.authz("u", n))).isEqualTo(n + 1L);
    reopened.close();
  }

  /** A segment an earlier release wrote (version 1: checksums over the body alone) is read. */
  @Test
  void aSegmentOfTheFirstVersionIsStillRead() throws IOException {
    byte[] key = "u".getBytes(StandardCharsets.UTF_8);
    byte[] value = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);
    java.nio.ByteBuffer file = java.nio.ByteBuffer.allocate(SEGMENT);
    file.putLong(0x4154544c4f473031L).putInt(1).putInt(EventType.values().length);
    for (int type = 0; type < EventType.values().length; type++) {
      file.putLong(7);
    }
    java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(16 + key.length + value.length);
    body.put((byte) EventType.AUTHZ_DECISION.ordinal()).put((byte) 0).putShort((short) key.length);
    body.putInt(value.length).putLong(7).put(key).put(value);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(body.array());
    file.position(Segment.HEADER_BYTES);
    file.putInt(body.capacity()).putInt((int) crc.getValue()).put(body.array());
    Files.write(Segment.pathOf(dir, 1), file.array());

    EventLog log = open();

    assertThat(readAll(log))
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.sequence()).isEqualTo(7);
              assertThat(entry.value()).isEqualTo(value);
            });
    assertThat(log.corruptRecords()).isZero();
    assertThat(append(log, SampleEvents.authz("u", 8))).isEqualTo(8);
    assertThat(readAll(log)).extracting(LogEntry::sequence).containsExactly(7L, 8L);
    log.close();
  }

  private int appendUntilANewSpare(EventLog log, int from) {
    int n = from;
    while (spares().isEmpty()) {
      append(log, SampleEvents.authz("u", n++));
      log.prepareSpare();
    }
    return n;
  }

  private int appendUntilARoll(EventLog log, int from) {
    int n = from;
    List<Path> before = segments();
    while (segments().equals(before)) {
      append(log, SampleEvents.authz("u", n++));
    }
    return n;
  }

  @Test
  void aSpareLeftByACrashIsDeletedAndNumberingUnaffected() {
    EventLog first = open();
    int n = 0;
    while (segments().size() < 2) {
      append(first, SampleEvents.authz("u", n++));
    }
    first.release(first.end());
    first.prepareSpare();
    assertThat(spares()).hasSize(1);

    EventLog second = open();
    assertThat(spares()).isEmpty();
    assertThat(append(second, SampleEvents.authz("u", n))).isEqualTo(n + 1L);
    second.close();
  }

  @Test
  void aCheckpointACrashToreIsIgnoredAndTheLogReadAgainFromItsStart() throws IOException {
    EventLog first = open();
    for (int i = 0; i < 10; i++) {
      append(first, SampleEvents.authz("u", i));
    }
    first.release(readAll(first).get(4).end());
    first.close();
    assertThat(readAll(open())).hasSize(5);

    // Half of a rewrite reached the file: the checksum no longer matches.
    try (RandomAccessFile file = new RandomAccessFile(dir.resolve("checkpoint").toFile(), "rw")) {
      file.seek(0);
      file.write('9');
    }
    EventLog second = open();
    assertThat(readAll(second)).extracting(LogEntry::sequence).first().isEqualTo(1L);
    second.close();
  }

  @Test
  void theSpoolsNumberingIsContinuedOnUpgrade() throws IOException {
    Files.writeString(
        dir.resolve("sequences.properties"),
        "attache.audit.authz=50001\nattache.traffic.ratelimit=7\n");
    EventLog log = open();
    assertThat(append(log, SampleEvents.authz("u", 1))).isEqualTo(50_001);
    assertThat(append(log, SampleEvents.ratelimit())).isEqualTo(7);
    assertThat(append(log, SampleEvents.config())).isEqualTo(1);
    log.close();
  }

  /** Every one of the twenty digits is written, whatever the number's size. */
  @Test
  void aSequenceIsWrittenInTwentyDigitsAtAnySize() throws IOException {
    for (long next : new long[] {1, 99_999_999, 100_000_000, 1_234_567_890_123_456_789L}) {
      Files.writeString(dir.resolve("sequences.properties"), "attache.audit.authz=" + next + "\n");
      EventLog log = open();
      append(log, SampleEvents.authz("u", 1));
      append(log, SampleEvents.authz("u", 2));
      List<LogEntry> entries = readAll(log);
      assertThat(entries)
          .extracting(EventLogTest::sequenceIn)
          .containsExactly(
              CloudEventEncoder.formatSequence(next), CloudEventEncoder.formatSequence(next + 1));
      log.close();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Files.delete(file);
        }
      }
    }
  }

  private Path onlySegment() {
    List<Path> segments = segments();
    assertThat(segments).hasSize(1);
    return segments.get(0);
  }

  private List<Path> spares() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("spare-")).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private List<Path> segments() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
