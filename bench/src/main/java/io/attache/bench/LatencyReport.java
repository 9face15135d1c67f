package io.attache.bench;

/** Latency figures of one run, in microseconds, and the achieved rate in calls per second. */
public record LatencyReport(
    long count,
    double callsPerSecond,
    double p50Micros,
    double p99Micros,
    double p999Micros,
    double maxMicros) {

  /** One JSON object, for machine-readable results. */
  public String toJson() {
    return String.format(
        java.util.Locale.ROOT,
        "{\"count\":%d,\"callsPerSecond\":%.1f,\"p50Micros\":%.1f,\"p99Micros\":%.1f,"
            + "\"p999Micros\":%.1f,\"maxMicros\":%.1f}",
        count,
        callsPerSecond,
        p50Micros,
        p99Micros,
        p999Micros,
        maxMicros);
  }
}
