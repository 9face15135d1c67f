package io.attache.bench.scenario;

import io.attache.authz.grpc.AuthorizationGrpcService;
import io.attache.bench.load.LoadGenerator;
import io.attache.bench.load.LoadOptions;
import io.attache.bench.load.LoadResult;
import io.attache.bench.load.UnaryCall;
import io.attache.bench.metrics.EventCounters;
import io.attache.bench.metrics.TimerHistogram;
import io.attache.bench.servers.Fixtures;
import io.attache.bench.servers.IntrospectionEndpoint;
import io.attache.bench.servers.ServerKind;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs scenarios: for each, the baseline server and the real one, each in its own process, loaded
 * closed-loop in turns (max throughput), then open-loop in turns at half the baseline's max, so
 * both are compared at the same offered load in the same run on the same machine.
 */
public final class ScenarioRunner {
  /** ext-authz's Check timer as Prometheus names it. */
  static final String CHECK_SECONDS =
      AuthorizationGrpcService.CHECK_TIMER.replace('.', '_') + "_seconds";

  /** The longest closed-loop turn of one server before the other's. */
  static final Duration TURN = Duration.ofSeconds(2);

  /** The longest turn of the unmeasured round between the warm-ups and the measured turns. */
  static final Duration SETTLING_TURN = Duration.ofSeconds(1);

  private final LoadOptions options;
  private final Path work;
  private final PrintStream progress;
  private final KeyPair keys = Fixtures.rsaKeys();
  private final IntrospectionEndpoint introspection = IntrospectionEndpoint.start();

  public ScenarioRunner(LoadOptions options, Path work, PrintStream progress) {
    this.options = options;
    this.work = work;
    this.progress = progress;
    Fixtures.write(work, keys, introspection.url());
  }

  public List<ScenarioResult> run(List<Scenario> scenarios)
      throws IOException, InterruptedException {
    List<ScenarioResult> results = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      UnaryCall call = scenario.call(keys);
      progress.printf(
          "%s: baseline %s and real %s, max throughput in turns%n",
          scenario.argument(), scenario.baseline().argument(), scenario.real().argument());
      try (Dependencies dependencies = Dependencies.start(scenario, work, progress);
          ServerProcess baseline = start(scenario.baseline(), call);
          ServerProcess real = start(scenario.real(), call)) {
        List<TurnPair> pairs = maxInTurns(baseline, real, call);
        reportEvents(scenario, baseline, real, "after the max-throughput turns");
        double half = halfOfMax(pairs, TurnPair::baseline);
        progress.printf("%s: both at %.0f/s, in turns%n", scenario.argument(), half);
        LatencyPairs atHalf = new LatencyPairs(atRateInTurns(baseline, real, call, half));
        reportEvents(scenario, baseline, real, "after the turns at half the baseline's max");
        // A latency target compares the servers at the same load; where the real server's max is
        // lower, half the baseline's may be most or all of its capacity, and the comparison then
        // measures a saturated server. Half the real server's max shows both with room to spare.
        Optional<LatencyPairs> atHalfOfReal = Optional.empty();
        double realHalf = halfOfMax(pairs, TurnPair::real);
        if (scenario.latencyTarget() && realHalf < half) {
          progress.printf(
              "%s: both at %.0f/s (half the real server's max), in turns%n",
              scenario.argument(), realHalf);
          atHalfOfReal =
              Optional.of(new LatencyPairs(atRateInTurns(baseline, real, call, realHalf)));
          reportEvents(scenario, baseline, real, "after the turns at half its own max");
        }
        if (scenario == Scenario.AUTHZ_INTROSPECTION) {
          progress.printf(
              "%s: the introspection endpoint was asked %d time(s) in all%n",
              scenario.argument(), introspection.calls());
        }
        ScenarioResult result = new ScenarioResult(scenario, pairs, atHalf, atHalfOfReal);
        progress.println(result.row());
        results.add(result);
      }
    }
    return results;
  }

  /**
   * What each server's event sink has done so far, where it has one: a latency figure is only worth
   * something if the events were sent, not dropped.
   */
  private void reportEvents(
      Scenario scenario, ServerProcess baseline, ServerProcess real, String when)
      throws InterruptedException {
    for (ServerProcess server : List.of(baseline, real)) {
      String who = server == baseline ? "baseline" : "real";
      Optional<EventCounters> counters;
      try {
        counters = server.metrics().flatMap(EventCounters::parse);
      } catch (RuntimeException e) {
        // Only a report: a failed scrape must not throw away the scenario's measured turns.
        progress.printf("%s: %s server's events: unavailable (%s)%n", scenario.argument(), who, e);
        continue;
      }
      counters.ifPresent(
          events ->
              progress.printf(
                  "%s: %s server's events %s: %s%n", scenario.argument(), who, when, events));
    }
  }

  /** Half the max throughput one side of the closed-loop pairs reached: an open loop's rate. */
  private static double halfOfMax(List<TurnPair> pairs, Function<TurnPair, LoadResult> side) {
    return Math.max(1, TurnPair.merged(pairs, side).latency().callsPerSecond() / 2);
  }

  private ServerProcess start(ServerKind kind, UnaryCall call)
      throws IOException, InterruptedException {
    ServerProcess server = new ServerProcess(kind, work, work.resolve(kind.argument() + ".log"));
    try {
      expectAllowed(kind, server.port(), call);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * Max throughput of both servers, each warmed up first, then one unmeasured turn each (see {@link
   * #warmUp}), then closed-loop turns of at most {@link #TURN} in the order baseline, real, real,
   * baseline, baseline, ... until each has had {@code duration}. Taken in turns, both see the same
   * machine: what else runs on it (builds, other benchmarks) changes over seconds and would
   * otherwise favour whichever ran in a quieter minute. Each turn pair (a baseline turn and the
   * real one next to it) is kept, so the score can be taken per pair.
   */
  private List<TurnPair> maxInTurns(ServerProcess baseline, ServerProcess real, UnaryCall call)
      throws InterruptedException {
    warmUp(baseline, real, call, OptionalDouble.empty());
    return inTurns(baseline, real, call, OptionalDouble.empty());
  }

  /**
   * Latency of both servers at {@code rate}: each warmed up at that rate, with a settling turn each
   * as for throughput (see {@link #warmUp}), then open-loop turns of at most {@link #TURN} in the
   * order baseline, real, real, baseline, ... until each has had {@code duration}, as {@link
   * #maxInTurns} does for throughput. Each turn reads the server's own Check timer before and after
   * it, where the server keeps one. A single phase per server would compare two stretches of the
   * machine up to half a minute apart; a p99 or a mean that moves 2× between runs minutes apart (as
   * the no-op's CPU per call does) then decides the comparison, where a ratio within a pair of
   * turns seconds apart does not.
   */
  private List<TurnPair> atRateInTurns(
      ServerProcess baseline, ServerProcess real, UnaryCall call, double rate)
      throws InterruptedException {
    warmUp(baseline, real, call, OptionalDouble.of(rate));
    return inTurns(baseline, real, call, OptionalDouble.of(rate));
  }

  /**
   * Turns of at most {@link #TURN}, closed loop or open loop at {@code rate}, in the order
   * baseline, real, real, baseline, baseline, ... until each server has had the run's duration.
   */
  private List<TurnPair> inTurns(
      ServerProcess baseline, ServerProcess real, UnaryCall call, OptionalDouble rate)
      throws InterruptedException {
    Duration turn = options.duration().compareTo(TURN) < 0 ? options.duration() : TURN;
    long turns = Math.max(2, -Math.floorDiv(-options.duration().toNanos(), turn.toNanos()));
    List<TurnPair> pairs = new ArrayList<>();
    for (long i = 0; i < turns; i++) {
      boolean baselineFirst = i % 2 == 0;
      ServerProcess first = baselineFirst ? baseline : real;
      ServerProcess second = baselineFirst ? real : baseline;
      LoadResult one = run(first, turnOptions(first, turn, rate), call);
      LoadResult other = run(second, turnOptions(second, turn, rate), call);
      pairs.add(baselineFirst ? new TurnPair(one, other) : new TurnPair(other, one));
    }
    return pairs;
  }

  private LoadOptions turnOptions(ServerProcess server, Duration turn, OptionalDouble rate) {
    return atRate(options(server, Duration.ZERO, turn), rate);
  }

  private static LoadOptions atRate(LoadOptions closed, OptionalDouble rate) {
    return rate.isPresent() ? closed.openLoop(rate.getAsDouble()) : closed;
  }

  /**
   * Each server under the turns' load (full, or open loop at {@code rate}) for the warm-up, then
   * one turn of at most {@link #SETTLING_TURN} each, none of it measured. The warm-up is long (10 s
   * by default) because a JFR recording after a 3 s one still showed C2 compiling on 12–25 % of a
   * core during the measured turns: that taxes the real server, which has far more code to compile,
   * and not the no-op. The extra turn each comes after both warm-ups, when each server has sat idle
   * through the other's: whatever it still has queued to compile, or deoptimised meanwhile, is paid
   * for there and not in the first pair.
   */
  private void warmUp(
      ServerProcess baseline, ServerProcess real, UnaryCall call, OptionalDouble rate)
      throws InterruptedException {
    for (ServerProcess server : List.of(baseline, real)) {
      run(server, atRate(options(server, options.warmup(), Duration.ofSeconds(1)), rate), call);
    }
    Duration turn =
        options.warmup().compareTo(SETTLING_TURN) < 0 ? options.warmup() : SETTLING_TURN;
    if (turn.isZero()) {
      return;
    }
    for (ServerProcess server : List.of(baseline, real)) {
      run(server, turnOptions(server, turn, rate), call);
    }
  }

  /** Closed loop against this server with the run's connections and concurrency. */
  private LoadOptions options(ServerProcess server, Duration warmup, Duration duration) {
    return new LoadOptions(
        options.host(),
        server.port(),
        options.connections(),
        options.concurrency(),
        warmup,
        duration,
        OptionalDouble.empty());
  }

  /**
   * One load run, with the server's CPU time over its measured phase and, for an open loop, the
   * server's own timing of the Checks in it where it keeps one (ext-authz), from scrapes of its
   * {@code /metrics} before and after. The scrapes lie outside the CPU readings, so rendering the
   * metrics is not counted as the calls' CPU.
   */
  private static LoadResult run(ServerProcess server, LoadOptions options, UnaryCall call)
      throws InterruptedException {
    boolean timed = options.rate().isPresent();
    AtomicReference<Optional<Duration>> start = new AtomicReference<>(Optional.empty());
    AtomicReference<Optional<TimerHistogram>> before = new AtomicReference<>(Optional.empty());
    LoadResult result;
    try (LoadGenerator generator = new LoadGenerator(options)) {
      result =
          generator.run(
              call,
              () -> {
                if (timed) {
                  before.set(checkTimer(server));
                }
                start.set(server.cpuTime());
              });
    }
    Optional<Duration> end = server.cpuTime();
    if (start.get().isPresent() && end.isPresent()) {
      result = result.withServerCpu(end.get().minus(start.get().get()));
    }
    if (before.get().isPresent()) {
      TimerHistogram earlier = before.get().get();
      Optional<TimerHistogram> phase = checkTimer(server).map(after -> after.minus(earlier));
      if (phase.isPresent()) {
        result = result.withServerTimer(phase.get());
      }
    }
    return result;
  }

  /** The server's Check timer now; empty for a server without one (the no-ops, rate limiting). */
  private static Optional<TimerHistogram> checkTimer(ServerProcess server) {
    try {
      return server.metrics().flatMap(text -> TimerHistogram.parse(text, CHECK_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the load generator's next wait ends the run
      return Optional.empty();
    }
  }

  /**
   * One call first: the benchmark must measure the path it claims to (a token accepted, a limit not
   * reached), not a fast refusal.
   */
  private static void expectAllowed(ServerKind kind, int port, UnaryCall call)
      throws InterruptedException {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      Object answer = call.send(channel, 0).get(30, TimeUnit.SECONDS);
      boolean allowed =
          answer instanceof CheckResponse check
              ? check.getStatus().getCode() == 0
              : answer instanceof RateLimitResponse limit
                  && limit.getOverallCode() == RateLimitResponse.Code.OK;
      if (!allowed) {
        throw new IllegalStateException(
            kind.argument() + " refused the benchmark request: " + answer);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(kind.argument() + " did not answer: " + e, e);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  public static Path workDirectory() throws IOException {
    return Files.createTempDirectory("attache-bench");
  }
}
