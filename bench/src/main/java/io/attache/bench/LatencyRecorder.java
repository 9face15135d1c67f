package io.attache.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Records call latencies without coordinated omission.
 *
 * <p>Open loop: a call's latency runs from when it <em>should</em> have started by the schedule,
 * not from when the stalled generator got round to it, so a server stall shows in the percentiles
 * as users would feel it. Closed loop: HdrHistogram back-fills the calls a stalled client could not
 * issue, given the expected interval between calls. Not thread-safe: one recorder per load thread,
 * merged with {@link #add}.
 */
public final class LatencyRecorder {
  private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Histogram histogram = new Histogram(MAX_NANOS, 3);

  /**
   * An open-loop call scheduled for {@code intendedStartNanos} that completed at {@code endNanos}.
   */
  public void recordOpenLoop(long intendedStartNanos, long endNanos) {
    histogram.recordValue(clamp(endNanos - intendedStartNanos));
  }

  /** A closed-loop call; {@code expectedIntervalNanos} is the mean time between calls unstalled. */
  public void recordClosedLoop(long startNanos, long endNanos, long expectedIntervalNanos) {
    histogram.recordValueWithExpectedInterval(clamp(endNanos - startNanos), expectedIntervalNanos);
  }

  public void add(LatencyRecorder other) {
    histogram.add(other.histogram);
  }

  public LatencyReport report(long elapsedNanos) {
    return new LatencyReport(
        histogram.getTotalCount(),
        histogram.getTotalCount() * 1e9 / Math.max(1, elapsedNanos),
        micros(histogram.getValueAtPercentile(50)),
        micros(histogram.getValueAtPercentile(99)),
        micros(histogram.getValueAtPercentile(99.9)),
        micros(histogram.getMaxValue()));
  }

  private static long clamp(long nanos) {
    return Math.max(0, Math.min(nanos, MAX_NANOS));
  }

  private static double micros(long nanos) {
    return nanos / 1_000.0;
  }
}
