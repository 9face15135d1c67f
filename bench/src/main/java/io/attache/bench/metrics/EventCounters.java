package io.attache.bench.metrics;

import java.util.Locale;
import java.util.Optional;

/**
 * A server's event sink counters from one scrape of its {@code /metrics}: whether what the sink was
 * handed reached Kafka. A latency figure for the events scenario means nothing if the events were
 * dropped, or went to the disk spool, instead of being sent.
 */
public record EventCounters(
    long published, long spooled, long replayed, long dropped, long queued, long spoolBytes) {

  /** The Prometheus names of the components, in order. */
  private static final String[] NAMES = {
    "attache_events_published_total",
    "attache_events_spooled_total",
    "attache_events_replayed_total",
    "attache_events_dropped_total",
    "attache_events_queued",
    "attache_events_spool_bytes"
  };

  /** The counters in a Prometheus text scrape; empty for a server without an event sink. */
  public static Optional<EventCounters> parse(String scrape) {
    long[] values = new long[NAMES.length];
    boolean found = false;
    for (String line : scrape.split("\n")) {
      int index = index(line);
      if (index >= 0) {
        String[] parts = line.strip().split("\\s+");
        values[index] += (long) Double.parseDouble(parts[parts.length - 1]);
        found = true;
      }
    }
    return found
        ? Optional.of(
            new EventCounters(values[0], values[1], values[2], values[3], values[4], values[5]))
        : Optional.empty();
  }

  /** Which component the sample line is of (all its labelled series add up), or -1. */
  private static int index(String line) {
    for (int i = 0; i < NAMES.length; i++) {
      String name = NAMES[i];
      if (line.startsWith(name)
          && line.length() > name.length()
          && (line.charAt(name.length()) == ' ' || line.charAt(name.length()) == '{')) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "published %,d, spooled %,d (replayed %,d, %,d bytes still on disk), dropped %,d, queued %,d",
        published,
        spooled,
        replayed,
        spoolBytes,
        dropped,
        queued);
  }
}
