package io.attache.bench.scenario;

import io.attache.bench.load.LoadResult;
import java.util.Locale;

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

  public boolean met() {
    return score() >= scenario.target();
  }

  public String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"scenario\":\"%s\",\"baseline\":\"%s\",\"real\":\"%s\",\"score\":%.3f,\"target\":%.2f,"
            + "\"met\":%s,\"baselineMax\":%s,\"baselineAtHalf\":%s,\"realMax\":%s,\"realAtHalf\":%s}",
        scenario.argument(),
        scenario.baseline().argument(),
        scenario.real().argument(),
        score(),
        scenario.target(),
        met(),
        baselineMax.toJson(),
        baselineAtHalf.toJson(),
        realMax.toJson(),
        realAtHalf.toJson());
  }

  /** One table row: max throughputs, ratio, and p50/p99/p99.9 at half the baseline's max. */
  public String row() {
    return String.format(
        Locale.ROOT,
        "%-26s %10.0f %10.0f %7.2f %6s   %8.0f %8.0f %8.0f | %8.0f %8.0f %8.0f",
        scenario.argument(),
        baselineMax.latency().callsPerSecond(),
        realMax.latency().callsPerSecond(),
        score(),
        (met() ? "met" : "MISSED"),
        baselineAtHalf.latency().p50Micros(),
        baselineAtHalf.latency().p99Micros(),
        baselineAtHalf.latency().p999Micros(),
        realAtHalf.latency().p50Micros(),
        realAtHalf.latency().p99Micros(),
        realAtHalf.latency().p999Micros());
  }

  public static String header() {
    return String.format(
        Locale.ROOT,
        "%-26s %10s %10s %7s %6s   %8s %8s %8s | %8s %8s %8s%n%s",
        "scenario",
        "base/s",
        "real/s",
        "score",
        "",
        "b p50µs",
        "b p99",
        "b p999",
        "r p50µs",
        "r p99",
        "r p999",
        "-".repeat(128));
  }
}
