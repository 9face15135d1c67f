package io.attache.bench.scenario;

import io.attache.bench.load.LoadResult;
import io.attache.bench.metrics.ServerDurations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * One scenario's figures: max throughput (closed loop, summed over the turns and per turn pair) and
 * latency at half the baseline's max (open loop) for the baseline and the real server, and the
 * score the target applies to.
 */
public record ScenarioResult(
    Scenario scenario,
    LoadResult baselineMax,
    LoadResult baselineAtHalf,
    LoadResult realMax,
    LoadResult realAtHalf,
    List<TurnPair> pairs) {

  public ScenarioResult {
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("no turn pairs");
    }
    pairs = List.copyOf(pairs);
  }

  /**
   * For a throughput target the median of the turn pairs' throughput ratios; for a latency target
   * the baseline p99 over the real p99 at half load: the servers' own (server-side) p99 where both
   * time their calls, the client's otherwise.
   */
  public double score() {
    if (scenario.latencyTarget()) {
      return serverP99Ratio().orElse(clientP99Ratio());
    }
    return throughputRatios().median();
  }

  /** Baseline p99 over real p99 at half load, as the load generator saw them. */
  public double clientP99Ratio() {
    return baselineAtHalf.latency().p99Micros() / Math.max(1e-9, realAtHalf.latency().p99Micros());
  }

  /**
   * Baseline p99 over real p99 at half load, both from the servers' own Check timers; empty unless
   * both keep one. Only as fine as the timer's buckets (see {@link ServerDurations}).
   */
  public OptionalDouble serverP99Ratio() {
    return serverRatio(ServerDurations::p99Micros);
  }

  /** As {@link #serverP99Ratio()} for the mean, which is exact (the timers' sum over count). */
  public OptionalDouble serverMeanRatio() {
    return serverRatio(ServerDurations::meanMicros);
  }

  private OptionalDouble serverRatio(ToDoubleFunction<ServerDurations> figure) {
    if (baselineAtHalf.serverDurations().isEmpty() || realAtHalf.serverDurations().isEmpty()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(
        figure.applyAsDouble(baselineAtHalf.serverDurations().get())
            / Math.max(1e-9, figure.applyAsDouble(realAtHalf.serverDurations().get())));
  }

  /** The range of the pair ratios the score is the median of; empty for a latency target. */
  public Optional<Spread> scoreRange() {
    return scenario.latencyTarget() ? Optional.empty() : Optional.of(throughputRatios());
  }

  /** Real max over baseline max per turn pair. */
  public Spread throughputRatios() {
    return Spread.of(pairs.stream().map(TurnPair::throughputRatio).toList());
  }

  /** Real max over baseline max, each summed over all its turns: the figure before pairing. */
  public double throughputRatioOfSums() {
    return realMax.latency().callsPerSecond()
        / Math.max(1e-9, baselineMax.latency().callsPerSecond());
  }

  /**
   * Baseline CPU per call over the real server's, per turn pair at max throughput: what the score
   * would be if the server's own work were the only limit (not the client, not other processes on
   * its core). Empty where the platform does not report a process's CPU time.
   */
  public Optional<Spread> cpuRatios() {
    List<Double> ratios = new ArrayList<>();
    for (TurnPair pair : pairs) {
      OptionalDouble ratio = pair.cpuRatio();
      if (ratio.isEmpty()) {
        return Optional.empty();
      }
      ratios.add(ratio.getAsDouble());
    }
    return Optional.of(Spread.of(ratios));
  }

  /** The median of {@link #cpuRatios()}: {@code cpu x} in the table. */
  public OptionalDouble cpuRatio() {
    return cpuRatios().map(s -> OptionalDouble.of(s.median())).orElse(OptionalDouble.empty());
  }

  public boolean met() {
    return score() >= scenario.target();
  }

  public String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"scenario\":\"%s\",\"baseline\":\"%s\",\"real\":\"%s\",\"score\":%.3f,"
            + "\"scoreRange\":%s,\"target\":%.2f,\"met\":%s,\"cpuRatio\":%s,\"cpuRatioRange\":%s,"
            + "\"throughputRatio\":%s,\"throughputRatioOfSums\":%.3f,"
            + "\"clientP99Ratio\":%.3f,\"serverP99Ratio\":%s,\"serverMeanRatio\":%s,"
            + "\"baselineMax\":%s,\"baselineAtHalf\":%s,\"realMax\":%s,\"realAtHalf\":%s,"
            + "\"pairs\":[%s]}",
        scenario.argument(),
        scenario.baseline().argument(),
        scenario.real().argument(),
        score(),
        scoreRange().map(ScenarioResult::range).orElse("null"),
        scenario.target(),
        met(),
        cpuRatio().isPresent()
            ? String.format(Locale.ROOT, "%.3f", cpuRatio().getAsDouble())
            : "null",
        cpuRatios().map(ScenarioResult::range).orElse("null"),
        throughputRatios().toJson(),
        throughputRatioOfSums(),
        clientP99Ratio(),
        number(serverP99Ratio()),
        number(serverMeanRatio()),
        baselineMax.toJson(),
        baselineAtHalf.toJson(),
        realMax.toJson(),
        realAtHalf.toJson(),
        String.join(",", pairs.stream().map(TurnPair::toJson).toList()));
  }

  private static String number(OptionalDouble value) {
    return value.isPresent() ? String.format(Locale.ROOT, "%.3f", value.getAsDouble()) : "null";
  }

  /** {@code [min, max]}. */
  private static String range(Spread spread) {
    return String.format(Locale.ROOT, "[%.3f,%.3f]", spread.min(), spread.max());
  }

  /**
   * One table row: max throughputs (summed over the turns), the score and the range of the pair
   * ratios it is the median of, server CPU µs per call at max, the CPU ratio (median of the pairs')
   * and its range, and p50/p99/p99.9 at half the baseline's max; then, where a server times its own
   * Checks, a line with those server-side figures at half load.
   */
  public String row() {
    return tableRow() + serverSideLine();
  }

  private String serverSideLine() {
    if (baselineAtHalf.serverDurations().isEmpty() && realAtHalf.serverDurations().isEmpty()) {
      return "";
    }
    StringBuilder line = new StringBuilder("\n  server-side Check at half load:");
    baselineAtHalf
        .serverDurations()
        .ifPresent(d -> line.append(" baseline ").append(durations(d)).append(';'));
    realAtHalf
        .serverDurations()
        .ifPresent(d -> line.append(" real ").append(durations(d)).append(';'));
    if (serverP99Ratio().isPresent()) {
      line.append(
          String.format(
              Locale.ROOT,
              " p99 ratio %.2f, mean ratio %.2f (client p99 ratio %.2f)",
              serverP99Ratio().getAsDouble(),
              serverMeanRatio().getAsDouble(),
              clientP99Ratio()));
    }
    return line.toString();
  }

  private static String durations(ServerDurations d) {
    return String.format(
        Locale.ROOT,
        "p99 %.1f µs (bucket %.1f–%.1f), mean %.2f µs",
        d.p99Micros(),
        d.p99BucketLowerMicros(),
        d.p99BucketUpperMicros(),
        d.meanMicros());
  }

  private String tableRow() {
    return String.format(
        Locale.ROOT,
        "%-26s %10.0f %10.0f %7.2f %11s %6s %7s %7s %5s %11s   %8.0f %8.0f %8.0f | %8.0f %8.0f %8.0f",
        scenario.argument(),
        baselineMax.latency().callsPerSecond(),
        realMax.latency().callsPerSecond(),
        score(),
        scoreRange().map(Spread::range).orElse("-"),
        (met() ? "met" : "MISSED"),
        cpu(baselineMax.serverCpuMicrosPerCall()),
        cpu(realMax.serverCpuMicrosPerCall()),
        cpuRatio().isPresent() ? String.format(Locale.ROOT, "%.2f", cpuRatio().getAsDouble()) : "-",
        cpuRatios().map(Spread::range).orElse("-"),
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
        "%-26s %10s %10s %7s %11s %6s %7s %7s %5s %11s   %8s %8s %8s | %8s %8s %8s%n%s",
        "scenario",
        "base/s",
        "real/s",
        "score",
        "pair range",
        "",
        "b cpuµs",
        "r cpuµs",
        "cpu x",
        "cpu range",
        "b p50µs",
        "b p99",
        "b p999",
        "r p50µs",
        "r p99",
        "r p999",
        "-".repeat(174));
  }
}
