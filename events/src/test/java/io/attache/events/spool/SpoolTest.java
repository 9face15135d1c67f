package io.attache.events.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  @TempDir Path dir;

  private Spool open(long maxBytes, long segmentBytes) {
    return Spool.open(dir, maxBytes, segmentBytes, FsyncPolicy.INTERVAL, Duration.ofSeconds(1));
  }

  private static SpoolRecord record(int n) {
    return new SpoolRecord(
        "attache.audit.authz",
        ("key-" + n).getBytes(StandardCharsets.UTF_8),
        ("value-" + n).getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> values(List<SpooledEntry> entries) {
    return entries.stream()
        .map(e -> new String(e.record().value(), StandardCharsets.UTF_8))
        .toList();
  }

  @Test
  void recordsAreReadBackInTheOrderTheyWereAppended() {
    try (Spool spool = open(1 << 20, 1 << 20)) {
      for (int i = 0; i < 5; i++) {
        assertThat(spool.append(record(i))).isTrue();
      }

      List<SpooledEntry> entries = spool.read(100);

      assertThat(values(entries))
          .containsExactly("value-0", "value-1", "value-2", "value-3", "value-4");
      assertThat(entries.get(0).record().topic()).isEqualTo("attache.audit.authz");
      assertThat(new String(entries.get(4).record().key(), StandardCharsets.UTF_8))
          .isEqualTo("key-4");
    }
  }

  @Test
  void aReadStopsAtItsByteBoundAcrossSegmentsAndSaysWhatIsLeft() {
    try (Spool spool = open(1 << 20, 100)) {
      for (int i = 0; i < 10; i++) {
        spool.append(record(i));
      }
      long recordBytes;
      List<SpooledEntry> first = spool.read(100, 1);
      assertThat(values(first)).containsExactly("value-0"); // at least one, however small the bound
      recordBytes = first.get(0).end().offset() - first.get(0).start().offset();

      // Three records' worth: the third reaches the bound, and the read stops there.
      assertThat(values(spool.read(100, 3 * recordBytes)))
          .containsExactly("value-1", "value-2", "value-3");
      assertThat(spool.hasUnread()).isTrue();

      assertThat(values(spool.read(100, Long.MAX_VALUE)))
          .containsExactly("value-4", "value-5", "value-6", "value-7", "value-8", "value-9");
      assertThat(spool.hasUnread()).isFalse();
      assertThat(spool.isEmpty()).isFalse(); // read, but not committed

      spool.append(record(10));
      assertThat(spool.hasUnread()).isTrue();
    }
  }

  @Test
  void recordsSpanSegmentsAndCommittedSegmentsAreDeleted() throws Exception {
    try (Spool spool = open(1 << 20, 100)) {
      for (int i = 0; i < 10; i++) {
        spool.append(record(i));
      }
      assertThat(segmentFiles()).hasSizeGreaterThan(3);

      List<SpooledEntry> entries = spool.read(100);
      assertThat(entries).hasSize(10);
      spool.commit(entries.get(9).end());

      assertThat(spool.isEmpty()).isTrue();
      assertThat(segmentFiles()).hasSizeLessThanOrEqualTo(1);
    }
  }

  @Test
  void aRestartResumesAfterTheLastCommit() {
    try (Spool spool = open(1 << 20, 1 << 20)) {
      for (int i = 0; i < 6; i++) {
        spool.append(record(i));
      }
      List<SpooledEntry> firstTwo = spool.read(2);
      spool.commit(firstTwo.get(1).end());
      spool.read(2); // read but never committed: must come again
    }

    try (Spool reopened = open(1 << 20, 1 << 20)) {
      assertThat(reopened.isEmpty()).isFalse();
      assertThat(values(reopened.read(100)))
          .containsExactly("value-2", "value-3", "value-4", "value-5");
    }
  }

  @Test
  void aFullSpoolRefusesRecordsAndKeepsWhatItHas() {
    try (Spool spool = open(120, 1 << 20)) {
      int accepted = 0;
      while (spool.append(record(accepted))) {
        accepted++;
      }

      assertThat(accepted).isBetween(1, 5);
      assertThat(spool.sizeBytes()).isLessThanOrEqualTo(120);
      assertThat(spool.read(100)).hasSize(accepted);
    }
  }

  @Test
  void aTornRecordAtTheEndIsCutOffOnOpen() throws Exception {
    try (Spool spool = open(1 << 20, 1 << 20)) {
      spool.append(record(0));
      spool.append(record(1));
    }
    Path segment = segmentFiles().get(0);
    long size = Files.size(segment);
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(size - 3); // the process died in the middle of the second write
    }

    try (Spool reopened = open(1 << 20, 1 << 20)) {
      assertThat(values(reopened.read(100))).containsExactly("value-0");
      assertThat(reopened.append(record(2))).isTrue();
      assertThat(values(reopened.read(100))).containsExactly("value-2");
    }
  }

  @Test
  void aCorruptRecordBeforeTheLastSegmentIsSkippedAndCounted() throws Exception {
    try (Spool spool = open(1 << 20, 40)) {
      spool.append(record(0));
      spool.append(record(1));
    }
    Path first = segmentFiles().get(0);
    byte[] bytes = Files.readAllBytes(first);
    bytes[bytes.length - 1] ^= 0x55;
    Files.write(first, bytes);

    try (Spool reopened = open(1 << 20, 40)) {
      assertThat(values(reopened.read(100))).containsExactly("value-1");
      assertThat(reopened.corruptRecords()).isEqualTo(1);
    }
  }

  @Test
  void aReservedSegmentIsReadBeforeRecordsAppendedAfterTheReservation() {
    try (Spool spool = open(1 << 20, 1 << 20)) {
      spool.append(record(0));
      long reserved = spool.reserveSegment();
      spool.append(record(3));
      spool.appendTo(reserved, record(1));
      spool.appendTo(reserved, record(2));

      assertThat(values(spool.read(100)))
          .containsExactly("value-0", "value-1", "value-2", "value-3");
    }
  }

  @Test
  void rewindReadsUncommittedRecordsAgain() {
    try (Spool spool = open(1 << 20, 1 << 20)) {
      spool.append(record(0));
      spool.append(record(1));
      spool.read(100);

      spool.rewind();

      assertThat(values(spool.read(100))).containsExactly("value-0", "value-1");
    }
  }

  @Test
  void recordsSpooledAfterARestartWithAnEmptySpoolAreReadBack() {
    try (Spool spool = open(1 << 20, 1 << 20)) {
      long reserved = spool.reserveSegment();
      spool.appendTo(reserved, record(0));
      List<SpooledEntry> entries = spool.read(100);
      spool.commit(entries.get(0).end()); // everything delivered: no segment file is left
    }
    try (Spool reopened = open(1 << 20, 1 << 20)) {
      reopened.append(record(1));
    }

    try (Spool again = open(1 << 20, 1 << 20)) {
      assertThat(again.isEmpty()).isFalse();
      assertThat(values(again.read(100))).containsExactly("value-1");
    }
  }

  private List<Path> segmentFiles() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".spool")).sorted().toList();
    }
  }
}
