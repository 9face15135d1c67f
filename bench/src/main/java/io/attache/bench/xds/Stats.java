package io.attache.bench.xds;

import java.util.Arrays;

/** Order statistics over small samples, exact (nearest rank). */
final class Stats {
  private Stats() {}

  /** The nearest-rank {@code percent} percentile of {@code values}; 0 when there are none. */
  static long percentile(long[] values, double percent) {
    if (values.length == 0) {
      return 0;
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  static long median(long[] values) {
    return percentile(values, 50);
  }

  static int median(int[] values) {
    return (int) median(Arrays.stream(values).asLongStream().toArray());
  }

  static double millis(long nanos) {
    return nanos / 1e6;
  }
}
