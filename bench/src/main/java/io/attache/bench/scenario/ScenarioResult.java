package io.attache.bench.scenario;

import io.attache.bench.load.LoadResult;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * One scenario's figures: max throughput (closed loop) and latency at half the baseline's max (open
 * loop) for the baseline and the real server, and the score the target applies to.
 */
public record ScenarioResult(
    Scenario scenario,
    LoadResult baselineMax,
    LoadResult baselineAtHalf,
    LoadResult realMax,
    LoadResult realAtHalf) {

  /** Max-throughput ratio, or for a latency target the baseline p99 over the real p99. */
  public double score() {
    if (scenario.latencyTarget()) {
      return baselineAtHalf.latency().p99Micros()
          / Math.max(1e-9, realAtHalf.latency().p99Micros());
    }
    return realMax.latency().callsPerSecond()
        / Math.max(1e-9, baselineMax.latency().callsPerSecond());
  }

  /**
   * Baseline CPU per call over the real server's, both at max throughput: what the score would be
   * if the server's own work were the only limit (not the client, not other processes on its core).
   * Empty where the platform does not report a process's CPU time.
   */
  public OptionalDouble cpuRatio() {
    if (baselineMax.serverCpuMicrosPerCall().isEmpty()
        || realMax.serverCpuMicrosPerCall().isEmpty()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(
        baselineMax.serverCpuMicrosPerCall().getAsDouble()
            / Math.max(1e-9, realMax.serverCpuMicrosPerCall().getAsDouble()));
  }

  public boolean met() {
    return score() >= scenario.target();
  }

  public String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"scenario\":\"%s\",\"baseline\":\"%s\",\"real\":\"%s\",\"score\":%.3f,\"target\":%.2f,"
            + "\"met\":%s,\"cpuRatio\":%s,\"baselineMax\":%s,\"baselineAtHalf\":%s,\"realMax\":%s,\"realAtHalf\":%s}",
        scenario.argument(),
        scenario.baseline().argument(),
        scenario.real().argument(),
        score(),
        scenario.target(),
        met(),
        cpuRatio().isPresent()
            ? String.format(Locale.ROOT, "%.3f", cpuRatio().getAsDouble())
            : "null",
        baselineMax.toJson(),
        baselineAtHalf.toJson(),
        realMax.toJson(),
        realAtHalf.toJson());
  }

  /**
   * One table row: max throughputs, ratio, server CPU µs per call at max, the CPU ratio, and
   * p50/p99/p99.9 at half the baseline's max.
   */
  public String row() {
    return String.format(
        Locale.ROOT,
        "%-26s %10.0f %10.0f %7.2f %6s %7s %7s %5s   %8.0f %8.0f %8.0f | %8.0f %8.0f %8.0f",
        scenario.argument(),
        baselineMax.latency().callsPerSecond(),
        realMax.latency().callsPerSecond(),
        score(),
        (met() ? "met" : "MISSED"),
        cpu(baselineMax.serverCpuMicrosPerCall()),
        cpu(realMax.serverCpuMicrosPerCall()),
        cpuRatio().isPresent() ? String.format(Locale.ROOT, "%.2f", cpuRatio().getAsDouble()) : "-",
        baselineAtHalf.latency().p50Micros(),
        baselineAtHalf.latency().p99Micros(),
        baselineAtHalf.latency().p999Micros(),
        realAtHalf.latency().p50Micros(),
        realAtHalf.latency().p99Micros(),
        realAtHalf.latency().p999Micros());
  }

  private static String cpu(OptionalDouble micros) {
    return micros.isPresent() ? String.format(Locale.ROOT, "%.1f", micros.getAsDouble()) : "-";
  }

  public static String header() {
    return String.format(
        Locale.ROOT,
        "%-26s %10s %10s %7s %6s %7s %7s %5s   %8s %8s %8s | %8s %8s %8s%n%s",
        "scenario",
        "base/s",
        "real/s",
        "score",
        "",
        "b cpuµs",
        "r cpuµs",
        "cpu x",
        "b p50µs",
        "b p99",
        "b p999",
        "r p50µs",
        "r p99",
        "r p999",
        "-".repeat(150));
  }
}
