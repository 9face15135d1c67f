package io.attache.bench.load;

import io.attache.bench.LatencyReport;
import io.attache.bench.metrics.ServerDurations;
import io.attache.bench.metrics.TimerHistogram;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What one run measured: the latency report (from the intended start, for open loop), calls that
 * failed, the target rate if it was an open-loop run, and, when the server's CPU time was read
 * around the measured phase, that time per call answered in it; when the server's own timer was
 * scraped around it, that timer's counts for those calls.
 */
public record LoadResult(
    OptionalDouble targetRate,
    LatencyReport latency,
    long errors,
    OptionalDouble serverCpuMicrosPerCall,
    Optional<TimerHistogram> serverTimer) {

  /** A result without the server's CPU time or durations. */
  public static LoadResult of(OptionalDouble targetRate, LatencyReport latency, long errors) {
    return new LoadResult(targetRate, latency, errors, OptionalDouble.empty(), Optional.empty());
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
        OptionalDouble.of(cpu.toNanos() / 1_000.0 / Math.max(1, latency.count())),
        serverTimer);
  }

  /** This result with the server's own timer's counts for the calls in the measured phase. */
  public LoadResult withServerTimer(TimerHistogram timer) {
    return new LoadResult(targetRate, latency, errors, serverCpuMicrosPerCall, Optional.of(timer));
  }

  /** The server's own figures for the calls in the measured phase, where it times them. */
  public Optional<ServerDurations> serverDurations() {
    return serverTimer.flatMap(TimerHistogram::durations);
  }

  /**
   * Turns against one server as one result: calls summed, the rate the mean of the turns' (they are
   * of equal length), percentiles and maximum the worst turn's; CPU per call over all calls, and
   * the server's timer summed over all turns, each when every turn has it.
   */
  public static LoadResult inTurns(List<LoadResult> turns) {
    if (turns.isEmpty()) {
      throw new IllegalArgumentException("no turns");
    }
    long count = 0;
    double rate = 0;
    double p50 = 0;
    double p99 = 0;
    double p999 = 0;
    double max = 0;
    long errors = 0;
    double cpuMicros = 0;
    boolean cpu = true;
    for (LoadResult turn : turns) {
      LatencyReport latency = turn.latency();
      count += latency.count();
      rate += latency.callsPerSecond() / turns.size();
      p50 = Math.max(p50, latency.p50Micros());
      p99 = Math.max(p99, latency.p99Micros());
      p999 = Math.max(p999, latency.p999Micros());
      max = Math.max(max, latency.maxMicros());
      errors += turn.errors();
      cpu &= turn.serverCpuMicrosPerCall().isPresent();
      cpuMicros += turn.serverCpuMicrosPerCall().orElse(0) * latency.count();
    }
    return new LoadResult(
        turns.get(0).targetRate(),
        new LatencyReport(count, rate, p50, p99, p999, max),
        errors,
        cpu ? OptionalDouble.of(cpuMicros / Math.max(1, count)) : OptionalDouble.empty(),
        turns.stream().allMatch(turn -> turn.serverTimer().isPresent())
            ? turns.stream().map(turn -> turn.serverTimer().get()).reduce(TimerHistogram::plus)
            : Optional.empty());
  }

  public String mode() {
    return targetRate.isPresent() ? "open" : "closed";
  }

  public String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"mode\":\"%s\",\"targetRate\":%s,\"errors\":%d,\"serverCpuMicrosPerCall\":%s,"
            + "\"latency\":%s,\"serverDurations\":%s}",
        mode(),
        number(targetRate),
        errors,
        number(serverCpuMicrosPerCall),
        latency.toJson(),
        serverDurations().map(ServerDurations::toJson).orElse("null"));
  }

  private static String number(OptionalDouble value) {
    return value.isPresent() ? String.format(Locale.ROOT, "%.1f", value.getAsDouble()) : "null";
  }
}
