package io.attache.bench.scenario;

import io.attache.bench.load.LoadResult;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One scenario's figures, all from turns: max throughput (closed loop) as pairs of a baseline turn
 * and the real server's turn next to it, latency at half the baseline's max (open loop, in pairs
 * too), and the score the target applies to, taken per pair. For a latency target, also latency at
 * half the real server's own max, where it is lower: a load both servers carry with room to spare.
 */
public record ScenarioResult(
    Scenario scenario,
    List<TurnPair> pairs,
    LatencyPairs atHalf,
    Optional<LatencyPairs> atHalfOfReal) {

  public ScenarioResult {
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("no turn pairs");
    }
    pairs = List.copyOf(pairs);
  }

  /** The baseline's closed-loop turns as one result. */
  public LoadResult baselineMax() {
    return TurnPair.merged(pairs, TurnPair::baseline);
  }

  /** The real server's closed-loop turns as one result. */
  public LoadResult realMax() {
    return TurnPair.merged(pairs, TurnPair::real);
  }

  /** The baseline's open-loop turns at half load as one result. */
  public LoadResult baselineAtHalf() {
    return atHalf.baseline();
  }

  /** The real server's open-loop turns at half load as one result. */
  public LoadResult realAtHalf() {
    return atHalf.real();
  }

  /**
   * For a throughput target the median of the turn pairs' throughput ratios; for a latency target
   * the median of the half-load pairs' p99 ratios (baseline over real): the servers' own
   * (server-side) p99s where both time their calls, the client's otherwise.
   */
  public double score() {
    return scoreRange().median();
  }

  /** The range of the pair ratios the score is the median of. */
  public Spread scoreRange() {
    return scenario.latencyTarget() ? atHalf.p99Ratios() : throughputRatios();
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
    return TurnPair.spread(pairs, TurnPair::cpuRatio);
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
            + "\"baselineMax\":%s,\"realMax\":%s,\"pairs\":[%s],"
            + "\"atHalf\":%s,\"atHalfOfReal\":%s}",
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
        baselineMax().toJson(),
        realMax().toJson(),
        String.join(",", pairs.stream().map(TurnPair::toJson).toList()),
        atHalf.toJson(),
        atHalfOfReal.map(LatencyPairs::toJson).orElse("null"));
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
    return atHalf.serverSideLines("at half the baseline's max")
        + atHalfOfReal.map(l -> l.serverSideLines("at half the real server's max")).orElse("");
  }

  private String tableRow() {
    LoadResult baselineMax = baselineMax();
    LoadResult realMax = realMax();
    LoadResult baselineAtHalf = baselineAtHalf();
    LoadResult realAtHalf = realAtHalf();
    Optional<Spread> cpuRatios = cpuRatios();
    return String.format(
        Locale.ROOT,
        "%-26s %10.0f %10.0f %7.2f %11s %6s %7s %7s %5s %11s   %8.0f %8.0f %8.0f | %8.0f %8.0f %8.0f",
        scenario.argument(),
        baselineMax.latency().callsPerSecond(),
        realMax.latency().callsPerSecond(),
        score(),
        scoreRange().range(),
        (met() ? "met" : "MISSED"),
        cpu(baselineMax.serverCpuMicrosPerCall()),
        cpu(realMax.serverCpuMicrosPerCall()),
        cpuRatios.map(r -> String.format(Locale.ROOT, "%.2f", r.median())).orElse("-"),
        cpuRatios.map(Spread::range).orElse("-"),
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
