package io.attache.bench.metrics;

import java.util.Locale;
import java.util.Optional;

/**
 * A server's event sink counters from one scrape of its {@code /metrics}: whether what the sink was
 * handed reached Kafka. A latency figure for the events scenario means nothing if the events were
 * dropped (or spooled to disk) instead of sent.
 */
public record EventCounters(long published, long spooled, long dropped, long queued) {

  /** The counters in a Prometheus text scrape; empty for a server without an event sink. */
  public static Optional<EventCounters> parse(String scrape) {
    long[] values = new long[4];
    boolean found = false;
    for (String line : scrape.split("\n")) {
      int index = index(line);
      if (index >= 0) {
        String[] parts = line.strip().split("\\s+");
        values[index] = (long) Double.parseDouble(parts[parts.length - 1]);
        found = true;
      }
    }
    return found
        ? Optional.of(new EventCounters(values[0], values[1], values[2], values[3]))
        : Optional.empty();
  }

  private static int index(String line) {
    String[] names = {
      "attache_events_published_total",
      "attache_events_spooled_total",
      "attache_events_dropped_total",
      "attache_events_queued"
    };
    for (int i = 0; i < names.length; i++) {
      if (line.startsWith(names[i] + " ") || line.startsWith(names[i] + "{")) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "published %,d, spooled %,d, dropped %,d, queued %,d",
        published,
        spooled,
        dropped,
        queued);
  }
}
