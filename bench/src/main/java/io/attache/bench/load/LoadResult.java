package io.attache.bench.load;

import io.attache.bench.LatencyReport;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * What one run measured: the latency report (from the intended start, for open loop), calls that
 * failed, the target rate if it was an open-loop run, and, when the server's CPU time was read
 * around the measured phase, that time per call answered in it.
 */
public record LoadResult(
    OptionalDouble targetRate,
    LatencyReport latency,
    long errors,
    OptionalDouble serverCpuMicrosPerCall) {

  /** A result without the server's CPU time. */
  public static LoadResult of(OptionalDouble targetRate, LatencyReport latency, long errors) {
    return new LoadResult(targetRate, latency, errors, OptionalDouble.empty());
  }

  /**
   * This result with the CPU time the server process used in the measured phase, spread over the
   * calls answered in it. Less sensitive than throughput to what else runs on a shared machine:
   * time the server waits for a core costs no CPU.
   */
  public LoadResult withServerCpu(Duration cpu) {
    return new LoadResult(
        targetRate,
        latency,
        errors,
        OptionalDouble.of(cpu.toNanos() / 1_000.0 / Math.max(1, latency.count())));
  }

  public String mode() {
    return targetRate.isPresent() ? "open" : "closed";
  }

  public String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"mode\":\"%s\",\"targetRate\":%s,\"errors\":%d,\"serverCpuMicrosPerCall\":%s,"
            + "\"latency\":%s}",
        mode(),
        number(targetRate),
        errors,
        number(serverCpuMicrosPerCall),
        latency.toJson());
  }

  private static String number(OptionalDouble value) {
    return value.isPresent() ? String.format(Locale.ROOT, "%.1f", value.getAsDouble()) : "null";
  }
}
