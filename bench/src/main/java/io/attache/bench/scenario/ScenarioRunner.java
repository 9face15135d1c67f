package io.attache.bench.scenario;

import io.attache.bench.load.LoadGenerator;
import io.attache.bench.load.LoadOptions;
import io.attache.bench.load.LoadResult;
import io.attache.bench.load.UnaryCall;
import io.attache.bench.servers.Fixtures;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs scenarios: for each, the baseline server then the real one, each in its own process, each
 * loaded closed-loop (max throughput) and then open-loop at half the baseline's max, so both are
 * compared at the same offered load in the same run on the same machine.
 */
public final class ScenarioRunner {
  private final LoadOptions options;
  private final Path work;
  private final PrintStream progress;
  private final KeyPair keys = Fixtures.rsaKeys();

  public ScenarioRunner(LoadOptions options, Path work, PrintStream progress) {
    this.options = options;
    this.work = work;
    this.progress = progress;
    Fixtures.write(work, keys);
  }

  public List<ScenarioResult> run(List<Scenario> scenarios)
      throws IOException, InterruptedException {
    List<ScenarioResult> results = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      UnaryCall call = scenario.call(keys);
      progress.printf("%s: baseline %s%n", scenario.argument(), scenario.baseline().argument());
      LoadResult[] baseline = measure(scenario.baseline(), call, -1);
      double half = baseline[0].latency().callsPerSecond() / 2;
      progress.printf("%s: real %s%n", scenario.argument(), scenario.real().argument());
      LoadResult[] real = measure(scenario.real(), call, half);
      ScenarioResult result =
          new ScenarioResult(scenario, baseline[0], baseline[1], real[0], real[1]);
      progress.println(result.row());
      results.add(result);
    }
    return results;
  }

  /** Max throughput, then latency at {@code rate} (or half the max found when negative). */
  private LoadResult[] measure(ServerKind kind, UnaryCall call, double rate)
      throws IOException, InterruptedException {
    Path log = work.resolve(kind.argument() + ".log");
    try (ServerProcess server = new ServerProcess(kind, work, log)) {
      expectAllowed(kind, server.port(), call);
      LoadOptions here =
          new LoadOptions(
              options.host(),
              server.port(),
              options.connections(),
              options.concurrency(),
              options.warmup(),
              options.duration(),
              options.rate());
      LoadResult max = run(server, here.closedLoop(), call);
      double offered = rate > 0 ? rate : max.latency().callsPerSecond() / 2;
      LoadResult atRate = run(server, here.openLoop(Math.max(1, offered)), call);
      return new LoadResult[] {max, atRate};
    }
  }

  /** One load run, with the server's CPU time over its measured phase. */
  private static LoadResult run(ServerProcess server, LoadOptions options, UnaryCall call)
      throws InterruptedException {
    AtomicReference<Optional<Duration>> start = new AtomicReference<>(Optional.empty());
    LoadResult result;
    try (LoadGenerator generator = new LoadGenerator(options)) {
      result = generator.run(call, () -> start.set(server.cpuTime()));
    }
    Optional<Duration> end = server.cpuTime();
    if (start.get().isEmpty() || end.isEmpty()) {
      return result;
    }
    return result.withServerCpu(end.get().minus(start.get().get()));
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
