package io.attache.bench.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The median of a few ratios and their range. The median, not the mean: on a shared machine one
 * turn pair in a noisy second can be off by a factor of two, and it should not drag the figure.
 */
public record Spread(double median, double min, double max) {
  public Spread {
    if (!(min <= median && median <= max)) {
      throw new IllegalArgumentException(
          "not min <= median <= max: " + min + ", " + median + ", " + max);
    }
  }

  /** The spread of {@code values}; the median of an even count is the mean of the middle two. */
  public static Spread of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    double median =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return new Spread(median, sorted.get(0), sorted.get(n - 1));
  }

  /** {@code 0.71–0.85}, for a table. */
  public String range() {
    return String.format(Locale.ROOT, "%.2f–%.2f", min, max);
  }

  public String toJson() {
    return String.format(
        Locale.ROOT, "{\"median\":%.3f,\"min\":%.3f,\"max\":%.3f}", median, min, max);
  }
}
