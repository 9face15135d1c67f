package io.attache.bench.scenario;

import io.attache.bench.load.LoadResult;
import io.attache.bench.metrics.ServerDurations;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Open-loop turn pairs of the baseline and the real server at one offered rate, and the latency
 * ratios (baseline over real: below 1 when the real server is slower) taken within each pair.
 */
public record LatencyPairs(List<TurnPair> pairs) {
  public LatencyPairs {
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("no turn pairs");
    }
    pairs = List.copyOf(pairs);
  }

  /** The offered rate, calls per second; 0 if the turns were not open loop. */
  public double rate() {
    return pairs.get(0).baseline().targetRate().orElse(0);
  }

  /** The baseline's turns as one result. */
  public LoadResult baseline() {
    return TurnPair.merged(pairs, TurnPair::baseline);
  }

  /** The real server's turns as one result. */
  public LoadResult real() {
    return TurnPair.merged(pairs, TurnPair::real);
  }

  /** The p99 ratios a latency target is scored on: the servers' own where both time their calls. */
  public Spread p99Ratios() {
    return serverP99Ratios().orElseGet(this::clientP99Ratios);
  }

  /** Baseline p99 over real p99 per pair, as the load generator saw them. */
  public Spread clientP99Ratios() {
    return Spread.of(pairs.stream().map(TurnPair::clientP99Ratio).toList());
  }

  /**
   * Baseline p99 over real p99 per pair, from the servers' own Check timers; empty unless every
   * turn of both scraped one. Only as fine as the timer's buckets (see {@link ServerDurations}).
   */
  public Optional<Spread> serverP99Ratios() {
    return serverRatios(ServerDurations::p99Micros);
  }

  /** As {@link #serverP99Ratios()} for the mean, which is exact (the timers' sum over count). */
  public Optional<Spread> serverMeanRatios() {
    return serverRatios(ServerDurations::meanMicros);
  }

  private Optional<Spread> serverRatios(ToDoubleFunction<ServerDurations> figure) {
    return TurnPair.spread(pairs, pair -> pair.serverRatio(figure));
  }

  /**
   * Where a server times its own Checks, its figures over all turns, then the per-pair ratios;
   * empty when neither does.
   */
  public String serverSideLines(String where) {
    Optional<ServerDurations> baseline = baseline().serverDurations();
    Optional<ServerDurations> real = real().serverDurations();
    if (baseline.isEmpty() && real.isEmpty()) {
      return "";
    }
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT, "\n  server-side Check %s (%.0f/s), all turns:", where, rate()));
    baseline.ifPresent(d -> line.append(" baseline ").append(durations(d)).append(';'));
    real.ifPresent(d -> line.append(" real ").append(durations(d)).append(';'));
    Optional<Spread> p99 = serverP99Ratios();
    Optional<Spread> mean = serverMeanRatios();
    if (p99.isPresent() && mean.isPresent()) {
      line.append(
          String.format(
              Locale.ROOT,
              "\n    per turn pair (median, range): p99 ratio %.2f (%s), mean ratio %.2f (%s),"
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

  public String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"rate\":%.1f,\"baseline\":%s,\"real\":%s,\"clientP99Ratio\":%s,"
            + "\"serverP99Ratio\":%s,\"serverMeanRatio\":%s,\"pairs\":[%s]}",
        rate(),
        baseline().toJson(),
        real().toJson(),
        clientP99Ratios().toJson(),
        serverP99Ratios().map(Spread::toJson).orElse("null"),
        serverMeanRatios().map(Spread::toJson).orElse("null"),
        String.join(",", pairs.stream().map(TurnPair::toJson).toList()));
  }
}
