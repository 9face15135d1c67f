package io.attache.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceCountersTest {
  @TempDir Path dir;

  private SequenceCounters open() {
    return new SequenceCounters(dir.resolve("sequences.properties"));
  }

  @Test
  void eachTopicCountsFromOneOnItsOwn() {
    SequenceCounters counters = open();

    assertThat(counters.next("attache.audit.authz")).isEqualTo(1);
    assertThat(counters.next("attache.audit.authz")).isEqualTo(2);
    assertThat(counters.next("attache.config")).isEqualTo(1);
    assertThat(counters.next("attache.audit.authz")).isEqualTo(3);
  }

  @Test
  void afterACleanCloseNumberingGoesOnWithoutAGap() {
    SequenceCounters first = open();
    for (int i = 0; i < 5; i++) {
      first.next("attache.audit.authz");
    }
    first.next("attache.config");
    first.close();

    SequenceCounters second = open();

    assertThat(second.next("attache.audit.authz")).isEqualTo(6);
    assertThat(second.next("attache.config")).isEqualTo(2);
  }

  @Test
  void afterACrashNumberingResumesPastEveryNumberIssued() {
    SequenceCounters crashed = open();
    for (int i = 0; i < 12_345; i++) {
      crashed.next("attache.audit.authz");
    }
    // No close(): the process died. The file holds the end of the block reserved last.

    long resumed = open().next("attache.audit.authz");

    assertThat(resumed).isGreaterThan(12_345).isLessThanOrEqualTo(12_345 + 10_000);
  }

  @Test
  void aTopicNotUsedSinceTheRestartKeepsItsNumberThroughTheNextReservation() {
    SequenceCounters first = open();
    first.next("attache.config");
    first.next("attache.config");
    first.close();

    SequenceCounters second = open();
    second.next("attache.audit.authz"); // reserves, and rewrites the file
    // crash here

    assertThat(open().next("attache.config")).isEqualTo(3);
  }
}
