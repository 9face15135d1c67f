package io.attache.bench.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One Micrometer timer with a percentile histogram as the Prometheus text format shows it ({@code
 * NAME_seconds_bucket{le="…"}}, {@code NAME_seconds_count}, {@code NAME_seconds_sum}): cumulative
 * since the server started, so the difference of two scrapes is the calls in between.
 */
public record TimerHistogram(long count, double sumSeconds, List<Bucket> buckets) {
  /** Calls that took at most {@code upperSeconds}, cumulative as Prometheus counts them. */
  public record Bucket(double upperSeconds, long cumulativeCount) {}

  public TimerHistogram {
    buckets = buckets.stream().sorted(Comparator.comparingDouble(Bucket::upperSeconds)).toList();
  }

  /**
   * The timer named {@code metric} (the Prometheus base name, e.g. {@code
   * attache_authz_check_seconds}) in a scrape; empty when the server has no such timer.
   */
  public static Optional<TimerHistogram> parse(String scrape, String metric) {
    String bucketPrefix = metric + "_bucket{";
    Long count = null;
    double sum = 0;
    List<Bucket> buckets = new ArrayList<>();
    for (String line : scrape.split("\n")) {
      if (line.startsWith(bucketPrefix)) {
        int le = line.indexOf("le=\"", bucketPrefix.length());
        int end = line.indexOf('"', le + 4);
        int close = line.indexOf('}', end);
        if (le < 0 || end < 0 || close < 0) {
          continue;
        }
        String bound = line.substring(le + 4, end);
        buckets.add(
            new Bucket(
                bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound),
                (long) Double.parseDouble(value(line, close + 1))));
      } else if (line.startsWith(metric + "_count ")) {
        count = (long) Double.parseDouble(value(line, metric.length() + 6));
      } else if (line.startsWith(metric + "_sum ")) {
        sum = Double.parseDouble(value(line, metric.length() + 4));
      }
    }
    return count == null || buckets.isEmpty()
        ? Optional.empty()
        : Optional.of(new TimerHistogram(count, sum, buckets));
  }

  /** The sample value after a series name; a timestamp after it, if any, ignored. */
  private static String value(String line, int from) {
    String[] parts = line.substring(from).strip().split("\\s+");
    return parts[0];
  }

  /** What was counted between {@code earlier} (a scrape of the same timer) and this one. */
  public TimerHistogram minus(TimerHistogram earlier) {
    if (earlier.buckets.size() != buckets.size()) {
      throw new IllegalArgumentException("the two scrapes have different buckets");
    }
    List<Bucket> delta = new ArrayList<>();
    for (int i = 0; i < buckets.size(); i++) {
      Bucket now = buckets.get(i);
      delta.add(
          new Bucket(
              now.upperSeconds(),
              now.cumulativeCount() - earlier.buckets.get(i).cumulativeCount()));
    }
    return new TimerHistogram(count - earlier.count, sumSeconds - earlier.sumSeconds, delta);
  }

  /**
   * The figures of this (usually a difference of two scrapes); empty without calls. The p99 is
   * interpolated linearly within its bucket, as Prometheus' {@code histogram_quantile} does; in the
   * open last bucket it is the largest finite bound.
   */
  public Optional<ServerDurations> durations() {
    if (count <= 0) {
      return Optional.empty();
    }
    double rank = 0.99 * count;
    double lower = 0;
    long below = 0;
    for (Bucket bucket : buckets) {
      if (bucket.cumulativeCount() >= rank) {
        double upper = bucket.upperSeconds();
        double p99 =
            Double.isInfinite(upper)
                ? lower
                : lower
                    + (upper - lower)
                        * (rank - below)
                        / Math.max(1, bucket.cumulativeCount() - below);
        return Optional.of(
            new ServerDurations(
                count,
                sumSeconds / count * 1e6,
                p99 * 1e6,
                lower * 1e6,
                (Double.isInfinite(upper) ? lower : upper) * 1e6));
      }
      lower = bucket.upperSeconds();
      below = bucket.cumulativeCount();
    }
    return Optional.empty();
  }
}
