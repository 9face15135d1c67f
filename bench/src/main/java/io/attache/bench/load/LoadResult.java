package io.attache.bench.load;

import io.attache.bench.LatencyReport;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * What one run measured: the latency report (from the intended start, for open loop), calls that
 * failed, and the target rate if it was an open-loop run.
 */
public record LoadResult(OptionalDouble targetRate, LatencyReport latency, long errors) {
  public String mode() {
    return targetRate.isPresent() ? "open" : "closed";
  }

  public String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"mode\":\"%s\",\"targetRate\":%s,\"errors\":%d,\"latency\":%s}",
        mode(),
        targetRate.isPresent()
            ? String.format(Locale.ROOT, "%.1f", targetRate.getAsDouble())
            : "null",
        errors,
        latency.toJson());
  }
}
