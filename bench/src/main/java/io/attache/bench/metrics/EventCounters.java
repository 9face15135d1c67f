package io.attache.bench.metrics;

import java.util.Locale;
import java.util.Optional;

/**
 * A server's event sink counters from one scrape of its {@code /metrics}: whether what the sink was
 * handed reached Kafka. A latency figure for the events scenario means nothing if the events were
 * dropped, or are still waiting in the event log, instead of being sent.
 */
public record EventCounters(
    long logged, long published, long dropped, long rejected, long corrupt, long spoolBytes) {

  /** The Prometheus names of the components, in order. */
  private static final String[] NAMES = {
    "attache_events_logged_total",
    "attache_events_published_total",
    "attache_events_dropped_total",
    "attache_events_rejected_total",
    "attache_events_corrupt_total",
    "attache_events_spool_bytes"
  };

  /** The counters in a Prometheus text scrape; empty for a server without an event sink. */
  public static Optional<EventCounters> parse(String scrape) {
    long[] values = new long[NAMES.length];
    boolean found = false;
    for (String line : scrape.split("\n")) {
      for (int i = 0; i < NAMES.length; i++) {
        int seriesEnd = SampleLines.seriesEnd(line, NAMES[i]);
        if (seriesEnd > 0) {
          // All the series of a name (one per label set) add up.
          values[i] += (long) SampleLines.value(line, seriesEnd);
          found = true;
        }
      }
    }
    return found
        ? Optional.of(
            new EventCounters(values[0], values[1], values[2], values[3], values[4], values[5]))
        : Optional.empty();
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "logged %,d, published %,d (%,d bytes not yet acknowledged), dropped %,d, rejected %,d,"
            + " corrupt %,d",
        logged,
        published,
        spoolBytes,
        dropped,
        rejected,
        corrupt);
  }
}
