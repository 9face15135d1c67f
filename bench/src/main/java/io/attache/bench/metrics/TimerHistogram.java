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
                (long) SampleLines.value(line, close + 1)));
      } else if (line.startsWith(metric + "_count ")) {
        count = (long) SampleLines.value(line, metric.length() + 6);
      } else if (line.startsWith(metric + "_sum ")) {
        sum = SampleLines.value(line, metric.length() + 4);
      }
    }
    return count == null || buckets.isEmpty()
        ? Optional.empty()
        : Optional.of(new TimerHistogram(count, sum, buckets));
  }

  /** What was counted between {@code earlier} (a scrape of the same timer) and this one. */
  public TimerHistogram minus(TimerHistogram earlier) {
    return combine(earlier, -1);
  }

  /** The calls of this and {@code other} together: two phases of the same timer as one. */
  public TimerHistogram plus(TimerHistogram other) {
    return combine(other, 1);
  }

  private TimerHistogram combine(TimerHistogram other, long sign) {
    if (other.buckets.size() != buckets.size()) {
      throw new IllegalArgumentException("the two histograms have different buckets");
    }
    List<Bucket> combined = new ArrayList<>();
    for (int i = 0; i < buckets.size(); i++) {
      Bucket mine = buckets.get(i);
      Bucket theirs = other.buckets.get(i);
      if (mine.upperSeconds() != theirs.upperSeconds()) {
        throw new IllegalArgumentException("the two histograms have different buckets");
      }
      combined.add(
          new Bucket(
              mine.upperSeconds(), mine.cumulativeCount() + sign * theirs.cumulativeCount()));
    }
    return new TimerHistogram(
        count + sign * other.count, sumSeconds + sign * other.sumSeconds, combined);
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
