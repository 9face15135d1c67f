package io.attache.bench.metrics;

import java.util.Locale;

/**
 * How long the server itself took over the calls of one measured phase, from its own timer (the
 * delta of two scrapes of its {@code /metrics}): no network, no client, no queueing before the
 * handler. The p99 comes from the timer's histogram buckets, interpolated within the bucket it
 * falls in; {@code p99BucketLowerMicros}–{@code p99BucketUpperMicros} is that bucket, so the reader
 * can see how fine the p99 can be. The mean is exact: the timer's sum over its count.
 */
public record ServerDurations(
    long count,
    double meanMicros,
    double p99Micros,
    double p99BucketLowerMicros,
    double p99BucketUpperMicros) {

  /** How wide the p99's bucket is, relative to its upper bound: 0.2 is a bucket 20 % wide. */
  public double p99BucketWidth() {
    return p99BucketUpperMicros <= 0
        ? 0
        : (p99BucketUpperMicros - p99BucketLowerMicros) / p99BucketUpperMicros;
  }

  public String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"count\":%d,\"meanMicros\":%.2f,\"p99Micros\":%.2f,\"p99BucketMicros\":[%.2f,%.2f]}",
        count,
        meanMicros,
        p99Micros,
        p99BucketLowerMicros,
        p99BucketUpperMicros);
  }
}
