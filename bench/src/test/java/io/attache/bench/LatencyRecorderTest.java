package io.attache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long SERVICE = 100_000; // 0.1 ms per call

  /**
   * A single server answers a call every millisecond in 0.1 ms, but stalls 100 ms once. Timed from
   * the schedule, the calls queued behind the stall count their wait; timed from when they were
   * actually sent, the stall nearly vanishes.
   */
  @Test
  void openLoopLatencyIncludesTheQueueBehindAStall() {
    LatencyRecorder corrected = new LatencyRecorder();
    LatencyRecorder naive = new LatencyRecorder();
    long previousEnd = 0;
    for (int i = 0; i < 1000; i++) {
      long intended = i * MS;
      long start = Math.max(intended, previousEnd);
      long end = start + SERVICE + (i == 500 ? 100 * MS : 0);
      corrected.recordOpenLoop(intended, end);
      naive.recordOpenLoop(start, end);
      previousEnd = end;
    }

    LatencyReport report = corrected.report(1000 * MS);
    assertThat(report.count()).isEqualTo(1000);
    assertThat(report.p50Micros()).isBetween(99.0, 101.0);
    assertThat(report.p99Micros()).isGreaterThan(50_000);
    assertThat(naive.report(1000 * MS).p99Micros()).isLessThan(200);
  }

  @Test
  void closedLoopBackFillsTheCallsAStalledClientCouldNotIssue() {
    LatencyRecorder recorder = new LatencyRecorder();
    for (int i = 0; i < 999; i++) {
      recorder.recordClosedLoop(0, MS, MS);
    }
    recorder.recordClosedLoop(0, 100 * MS, MS);

    LatencyReport report = recorder.report(1000 * MS);
    assertThat(report.count()).isGreaterThan(1000);
    assertThat(report.p99Micros()).isGreaterThan(10_000);
  }

  @Test
  void reportsAsJson() {
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.recordOpenLoop(0, MS);

    assertThat(recorder.report(MS).toJson())
        .startsWith("{\"count\":1,")
        .contains("\"p50Micros\":1000");
  }
}
