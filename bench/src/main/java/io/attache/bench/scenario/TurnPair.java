package io.attache.bench.scenario;

import io.attache.bench.load.LoadResult;
import io.attache.bench.metrics.ServerDurations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * One turn of the baseline and the real server's turn next to it (both closed loop, or both open
 * loop at the same rate), run within seconds of each other. The host's speed drifts over seconds on
 * a shared machine, so a ratio taken within a pair compares the two servers on (nearly) the same
 * machine; ratios of sums over a whole run do not, and one slow second then weighs on whichever
 * server it fell on.
 */
public record TurnPair(LoadResult baseline, LoadResult real) {
  public TurnPair {
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(real, "real");
  }

  /** One side of every pair ({@code TurnPair::baseline} or {@code ::real}) as one result. */
  public static LoadResult merged(List<TurnPair> pairs, Function<TurnPair, LoadResult> side) {
    return LoadResult.inTurns(pairs.stream().map(side).toList());
  }

  /** A ratio taken within each pair, as a spread; empty unless every pair has it. */
  public static Optional<Spread> spread(
      List<TurnPair> pairs, Function<TurnPair, OptionalDouble> ratio) {
    List<Double> ratios = new ArrayList<>();
    for (TurnPair pair : pairs) {
      OptionalDouble value = ratio.apply(pair);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      ratios.add(value.getAsDouble());
    }
    return Optional.of(Spread.of(ratios));
  }

  /** Real calls per second over the baseline's. */
  public double throughputRatio() {
    return real.latency().callsPerSecond() / Math.max(1e-9, baseline.latency().callsPerSecond());
  }

  /**
   * Baseline CPU per call over the real server's: empty unless both turns read their server's CPU
   * time.
   */
  public OptionalDouble cpuRatio() {
    if (baseline.serverCpuMicrosPerCall().isEmpty() || real.serverCpuMicrosPerCall().isEmpty()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(
        baseline.serverCpuMicrosPerCall().getAsDouble()
            / Math.max(1e-9, real.serverCpuMicrosPerCall().getAsDouble()));
  }

  /** Baseline p99 over real p99 as the load generator saw them: above 1 when real is faster. */
  public double clientP99Ratio() {
    return baseline.latency().p99Micros() / Math.max(1e-9, real.latency().p99Micros());
  }

  /**
   * The baseline's figure over the real server's, both from the servers' own timers; empty unless
   * both turns scraped one.
   */
  public OptionalDouble serverRatio(ToDoubleFunction<ServerDurations> figure) {
    if (baseline.serverDurations().isEmpty() || real.serverDurations().isEmpty()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(
        figure.applyAsDouble(baseline.serverDurations().get())
            / Math.max(1e-9, figure.applyAsDouble(real.serverDurations().get())));
  }

  public String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"baselinePerSecond\":%.1f,\"realPerSecond\":%.1f,\"ratio\":%.3f,"
            + "\"baselineCpuMicrosPerCall\":%s,\"realCpuMicrosPerCall\":%s,\"cpuRatio\":%s,"
            + "\"baselineP99Micros\":%.1f,\"realP99Micros\":%.1f,"
            + "\"serverP99Ratio\":%s,\"serverMeanRatio\":%s}",
        baseline.latency().callsPerSecond(),
        real.latency().callsPerSecond(),
        throughputRatio(),
        number(baseline.serverCpuMicrosPerCall(), "%.1f"),
        number(real.serverCpuMicrosPerCall(), "%.1f"),
        number(cpuRatio(), "%.3f"),
        baseline.latency().p99Micros(),
        real.latency().p99Micros(),
        number(serverRatio(ServerDurations::p99Micros), "%.3f"),
        number(serverRatio(ServerDurations::meanMicros), "%.3f"));
  }

  private static String number(OptionalDouble value, String format) {
    return value.isPresent() ? String.format(Locale.ROOT, format, value.getAsDouble()) : "null";
  }
}
