package io.attache.bench.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TimerHistogramTest {
  private static final String METRIC = "attache_authz_check_seconds";

  /** A scrape as Micrometer's Prometheus registry writes it, with other metrics around. */
  private static String scrape(long under10, long under20, long under40, long all, double sum) {
    return """
        # HELP attache_events_published_total events Kafka acknowledged
        # TYPE attache_events_published_total counter
        attache_events_published_total 12.0
        # HELP attache_authz_check_seconds time to answer one Check
        # TYPE attache_authz_check_seconds histogram
        attache_authz_check_seconds_bucket{le="1.0E-5"} %d
        attache_authz_check_seconds_bucket{le="2.0E-5"} %d
        attache_authz_check_seconds_bucket{le="4.0E-5"} %d
        attache_authz_check_seconds_bucket{le="+Inf"} %d
        attache_authz_check_seconds_count %d
        attache_authz_check_seconds_sum %s
        # HELP attache_authz_check_seconds_max time to answer one Check
        # TYPE attache_authz_check_seconds_max gauge
        attache_authz_check_seconds_max 3.9E-5
        """
        .formatted(under10, under20, under40, all, all, sum);
  }

  private static TimerHistogram parse(String text) {
    return TimerHistogram.parse(text, METRIC).orElseThrow();
  }

  @Test
  void aServerWithoutTheTimerHasNone() {
    assertThat(TimerHistogram.parse("attache_events_published_total 12.0\n", METRIC)).isEmpty();
  }

  @Test
  void theDifferenceOfTwoScrapesCountsOnlyTheCallsBetweenThem() {
    TimerHistogram before = parse(scrape(50, 50, 50, 50, 0.0004));
    TimerHistogram after = parse(scrape(50, 1_040, 1_050, 1_050, 0.0154));

    assertThat(after.minus(before).count()).isEqualTo(1_000);
  }

  @Test
  void theMeanIsTheSumOverTheCount() {
    TimerHistogram phase =
        parse(scrape(50, 1_040, 1_050, 1_050, 0.0154)).minus(parse(scrape(50, 50, 50, 50, 0.0004)));

    assertThat(phase.durations().orElseThrow().meanMicros()).isCloseTo(15.0, within(1e-6));
  }

  @Test
  void theP99IsInterpolatedWithinTheBucketItFallsIn() {
    // 990 of 1,000 calls in (10, 20] µs and 10 in (20, 40]: the 990th call is the bucket's last.
    ServerDurations p99 = parse(scrape(0, 990, 1_000, 1_000, 0.015)).durations().orElseThrow();

    assertThat(p99.p99Micros()).isCloseTo(20.0, within(1e-6));
    assertThat(p99.p99BucketLowerMicros()).isCloseTo(10.0, within(1e-6));
    assertThat(p99.p99BucketUpperMicros()).isCloseTo(20.0, within(1e-6));
  }

  @Test
  void aP99PastTheLastFiniteBucketIsThatBucketsBound() {
    ServerDurations p99 = parse(scrape(0, 0, 900, 1_000, 0.5)).durations().orElseThrow();

    assertThat(p99.p99Micros()).isCloseTo(40.0, within(1e-6));
  }

  @Test
  void noCallsNoDurations() {
    TimerHistogram same = parse(scrape(5, 5, 5, 5, 0.0001));

    assertThat(same.minus(same).durations()).isEmpty();
  }

  @Test
  void twoPhasesAddUpToBothPhasesCalls() {
    TimerHistogram start = parse(scrape(0, 0, 0, 0, 0));
    TimerHistogram first = parse(scrape(50, 50, 50, 50, 0.0004)).minus(start);
    TimerHistogram second =
        parse(scrape(50, 1_040, 1_050, 1_050, 0.0154)).minus(parse(scrape(50, 50, 50, 50, 0.0004)));

    TimerHistogram both = first.plus(second);

    assertThat(both).isEqualTo(parse(scrape(50, 1_040, 1_050, 1_050, 0.0154)).minus(start));
  }

  @Test
  void histogramsWithDifferentBucketsDoNotAdd() {
    TimerHistogram one = parse(scrape(1, 1, 1, 1, 0.00001));
    TimerHistogram other =
        new TimerHistogram(
            1,
            0.00001,
            java.util.List.of(
                new TimerHistogram.Bucket(1e-6, 1),
                new TimerHistogram.Bucket(2.0E-5, 1),
                new TimerHistogram.Bucket(4.0E-5, 1),
                new TimerHistogram.Bucket(Double.POSITIVE_INFINITY, 1)));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> one.plus(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different buckets");
  }
}
