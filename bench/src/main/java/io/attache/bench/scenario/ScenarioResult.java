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
 * One scenario's figures, all from turns: max throughput (closed loop) and latency at half the
 * baseline's max (open loop), each as pairs of a baseline turn and the real server's turn next to
 * it, and the score the target applies to, taken per pair.
 */
public record ScenarioResult(Scenario scenario, List<TurnPair> pairs, List<TurnPair> halfPairs) {

  public ScenarioResult {
    if (pairs.isEmpty() || halfPairs.isEmpty()) {
      throw new IllegalArgumentException("no turn pairs");
    }
    pairs = List.copyOf(pairs);
    halfPairs = List.copyOf(halfPairs);
  }

  /** The baseline's closed-loop turns as one result. */
  public LoadResult baselineMax() {
    return LoadResult.inTurns(pairs.stream().map(TurnPair::baseline).toList());
  }

  /** The real server's closed-loop turns as one result. */
  public LoadResult realMax() {
    return LoadResult.inTurns(pairs.stream().map(TurnPair::real).toList());
  }

  /** The baseline's open-loop turns at half load as one result. */
  public LoadResult baselineAtHalf() {
    return LoadResult.inTurns(halfPairs.stream().map(TurnPair::baseline).toList());
  }

  /** The real server's open-loop turns at half load as one result. */
  public LoadResult realAtHalf() {
    return LoadResult.inTurns(halfPairs.stream().map(TurnPair::real).toList());
  }

  /**
   * For a throughput target the median of the turn pairs' throughput ratios; for a latency target
   * the median of the half-load pairs' p99 ratios (baseline over real): the servers' own
   * (server-side) p99s where both time their calls, the client's otherwise.
   */
  public double score() {
    return scenario.latencyTarget() ? latencyRatios().median() : throughputRatios().median();
  }

  /** The range of the pair ratios the score is the median of. */
  public Spread scoreRange() {
    return scenario.latencyTarget() ? latencyRatios() : throughputRatios();
  }

  private Spread latencyRatios() {
    return serverRatios(ServerDurations::p99Micros).orElse(clientP99Ratios());
  }

  /** Baseline p99 over real p99 per half-load pair, as the load generator saw them. */
  public Spread clientP99Ratios() {
    return Spread.of(halfPairs.stream().map(TurnPair::clientP99Ratio).toList());
  }

  /**
   * Baseline p99 over real p99 per half-load pair, from the servers' own Check timers; empty unless
   * every turn of both scraped one. Only as fine as the timer's buckets (see {@link
   * ServerDurations}).
   */
  public Optional<Spread> serverP99Ratios() {
    return serverRatios(ServerDurations::p99Micros);
  }

  /** As {@link #serverP99Ratios()} for the mean, which is exact (the timers' sum over count). */
  public Optional<Spread> serverMeanRatios() {
    return serverRatios(ServerDurations::meanMicros);
  }

  private Optional<Spread> serverRatios(ToDoubleFunction<ServerDurations> figure) {
    List<Double> ratios = new ArrayList<>();
    for (TurnPair pair : halfPairs) {
      OptionalDouble ratio = pair.serverRatio(figure);
      if (ratio.isEmpty()) {
        return Optional.empty();
      }
      ratios.add(ratio.getAsDouble());
    }
    return Optional.of(Spread.of(ratios));
  }

  /** Real max over baseline max per turn pair. */
  public Spread throughputRatios() {
    return Spread.of(pairs.stream().map(TurnPair::throughputRatio).toList());
  }

  /** Real max over baseline max, each summed over all its turns: the figure before pairing. */
  public double throughputRatioOfSums() {
    return realMax().latency().callsPerSecond()
        / Math.max(1e-9, baselineMax().latency().callsPerSecond());
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
            + "\"clientP99Ratio\":%s,\"serverP99Ratio\":%s,\"serverMeanRatio\":%s,"
            + "\"baselineMax\":%s,\"baselineAtHalf\":%s,\"realMax\":%s,\"realAtHalf\":%s,"
            + "\"pairs\":[%s],\"halfPairs\":[%s]}",
        scenario.argument(),
        scenario.baseline().argument(),
        scenario.real().argument(),
        score(),
        range(scoreRange()),
        scenario.target(),
        met(),
        cpuRatio().isPresent()
            ? String.format(Locale.ROOT, "%.3f", cpuRatio().getAsDouble())
            : "null",
        cpuRatios().map(ScenarioResult::range).orElse("null"),
        throughputRatios().toJson(),
        throughputRatioOfSums(),
        clientP99Ratios().toJson(),
        serverP99Ratios().map(Spread::toJson).orElse("null"),
        serverMeanRatios().map(Spread::toJson).orElse("null"),
        baselineMax().toJson(),
        baselineAtHalf().toJson(),
        realMax().toJson(),
        realAtHalf().toJson(),
        String.join(",", pairs.stream().map(TurnPair::toJson).toList()),
        String.join(",", halfPairs.stream().map(TurnPair::toJson).toList()));
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
    Optional<ServerDurations> baseline = baselineAtHalf().serverDurations();
    Optional<ServerDurations> real = realAtHalf().serverDurations();
    if (baseline.isEmpty() && real.isEmpty()) {
      return "";
    }
    StringBuilder line = new StringBuilder("\n  server-side Check at half load, all turns:");
    baseline.ifPresent(d -> line.append(" baseline ").append(durations(d)).append(';'));
    real.ifPresent(d -> line.append(" real ").append(durations(d)).append(';'));
    Optional<Spread> p99 = serverP99Ratios();
    Optional<Spread> mean = serverMeanRatios();
    if (p99.isPresent() && mean.isPresent()) {
      line.append(
          String.format(
              Locale.ROOT,
              "\n  per turn pair (median, range): p99 ratio %.2f (%s), mean ratio %.2f (%s),"
                  + " client p99 ratio %.2f (%s)",
              p99.get().median(),
              p99.get().range(),
              mean.get().median(),
              mean.get().range(),
              clientP99Ratios().median(),
              clientP99Ratios().range()));
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
        baselineMax().latency().callsPerSecond(),
        realMax().latency().callsPerSecond(),
        score(),
        scoreRange().range(),
        (met() ? "met" : "MISSED"),
        cpu(baselineMax().serverCpuMicrosPerCall()),
        cpu(realMax().serverCpuMicrosPerCall()),
        cpuRatio().isPresent() ? String.format(Locale.ROOT, "%.2f", cpuRatio().getAsDouble()) : "-",
        cpuRatios().map(Spread::range).orElse("-"),
        baselineAtHalf().latency().p50Micros(),
        baselineAtHalf().latency().p99Micros(),
        baselineAtHalf().latency().p999Micros(),
        realAtHalf().latency().p50Micros(),
        realAtHalf().latency().p99Micros(),
        realAtHalf().latency().p999Micros());
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
