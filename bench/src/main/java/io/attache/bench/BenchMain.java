package io.attache.bench;

import io.attache.bench.load.LoadOptions;
import io.attache.bench.scenario.Scenario;
import io.attache.bench.scenario.ScenarioResult;
import io.attache.bench.scenario.ScenarioRunner;
import io.attache.bench.servers.BenchServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * {@code bin/bench}: {@code run} compares the services with their no-op baselines (see {@link
 * ScenarioRunner}); {@code jmh} runs the micro-benchmarks; {@code server} is what run starts in a
 * child process.
 */
public final class BenchMain {
  private static final String USAGE =
      """
      usage: bench run [--scenarios a,b|all] [--quick] [--warmup 10s] [--duration 10s]
                       [--connections 2] [--concurrency 64] [--json FILE]
             bench jmh [JMH options]            micro-benchmarks of the cores
             bench xds [--services 1000,10000 --clients 100,500 --quick --json FILE]
                                                control plane: translate and push to raw ADS clients
             bench events [--events 200000 --rate 20000 --producer key=value]
                                                CPU per audit event published to Kafka, by thread
             bench server KIND DIR              (used by run)
      scenarios: %s
      """;

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.print(USAGE.formatted(scenarioNames()));
      System.exit(2);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "run" -> System.exit(run(rest));
      case "jmh" -> org.openjdk.jmh.Main.main(rest);
      case "xds" -> io.attache.bench.xds.XdsBenchmark.main(rest);
      case "events" -> io.attache.bench.events.EventSinkProbe.main(rest);
      case "server" -> BenchServer.main(rest);
      default -> {
        System.err.print(USAGE.formatted(scenarioNames()));
        System.exit(2);
      }
    }
  }

  private static String scenarioNames() {
    return String.join(", ", Arrays.stream(Scenario.values()).map(Scenario::argument).toList());
  }

  static int run(String[] args) throws Exception {
    List<Scenario> scenarios = new ArrayList<>(List.of(Scenario.values()));
    // Long enough for C2 to finish compiling the real servers' Check path (JFR: still busy after 3
    // s).
    Duration warmup = Duration.ofSeconds(10);
    Duration duration = Duration.ofSeconds(10);
    int connections = 2;
    int concurrency = 64;
    Path json = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--scenarios" -> {
          if (!value.equals("all")) {
            scenarios = Arrays.stream(value.split(",")).map(Scenario::parse).toList();
          }
          i++;
        }
        case "--quick" -> {
          warmup = Duration.ofMillis(500);
          duration = Duration.ofSeconds(1);
        }
        case "--warmup" -> {
          warmup = Duration.parse("PT" + value.toUpperCase(Locale.ROOT));
          i++;
        }
        case "--duration" -> {
          duration = Duration.parse("PT" + value.toUpperCase(Locale.ROOT));
          i++;
        }
        case "--connections" -> {
          connections = Integer.parseInt(value);
          i++;
        }
        case "--concurrency" -> {
          concurrency = Integer.parseInt(value);
          i++;
        }
        case "--json" -> {
          json = Path.of(value);
          i++;
        }
        default -> {
          System.err.println("bench run: unknown option " + args[i]);
          return 2;
        }
      }
    }
    LoadOptions options =
        new LoadOptions(
            "127.0.0.1", 0, connections, concurrency, warmup, duration, OptionalDouble.empty());
    System.out.println(machine());
    System.out.println(ScenarioResult.header());
    List<ScenarioResult> results =
        new ScenarioRunner(options, ScenarioRunner.workDirectory(), System.err).run(scenarios);
    System.out.println(ScenarioResult.header());
    results.forEach(r -> System.out.println(r.row()));
    if (json != null) {
      String body =
          "{\"machine\":\""
              + machine().replace("\"", "'")
              + "\",\"warmup\":\""
              + warmup
              + "\",\"duration\":\""
              + duration
              + "\",\"connections\":"
              + connections
              + ",\"concurrency\":"
              + concurrency
              + ",\"scenarios\":["
              + String.join(",", results.stream().map(ScenarioResult::toJson).toList())
              + "]}";
      Files.writeString(json, body);
    }
    return results.stream().allMatch(ScenarioResult::met) ? 0 : 1;
  }

  static String machine() {
    String serverCpus = System.getenv("ATTACHE_BENCH_SERVER_CPUS");
    return String.format(
        Locale.ROOT,
        "%d cores for the load generator%s, %s %s, %s %s, max heap %d MiB",
        Runtime.getRuntime().availableProcessors(),
        serverCpus == null ? " (server not pinned)" : ", server on cpu " + serverCpus,
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        Runtime.getRuntime().maxMemory() >> 20);
  }
}
