package io.attache.bench.xds;

import io.attache.controlplane.model.ClusterState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The control plane at scale: for each size, how long translation and the snapshot build take and
 * how much heap their results hold, then how fast one EndpointSlice change reaches fleets of raw
 * ADS clients (state-of-the-world and delta) through a real {@code XdsServer}. Prints a table,
 * optionally writes JSON, and checks the targets. Clients and server share this machine, so
 * the push figures include the clients' own work.
 *
 * <pre>{@code
 * java -Xmx4g -cp bench/target/bench.jar io.attache.bench.xds.XdsBenchmark \
 *     --services 1000,10000 --clients 100,500 --json target/xds.json
 * }</pre>
 */
public final class XdsBenchmark {
  private final BenchmarkOptions options;
  private final ReportTable table;

  public XdsBenchmark(BenchmarkOptions options, PrintStream out) {
    this.options = options;
    this.table = new ReportTable(out);
  }

  public static void main(String[] args) throws Exception {
    // The publisher logs every snapshot at INFO; across hundreds of pushes that drowns the table.
    if (System.getenv("LOG_LEVEL") == null) {
      ((ch.qos.logback.classic.Logger)
              org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
          .setLevel(ch.qos.logback.classic.Level.WARN);
    }
    BenchmarkOptions options;
    try {
      options = BenchmarkOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    XdsBenchmarkReport report = new XdsBenchmark(options, System.out).run();
    if (options.json().isPresent()) {
      write(options.json().get(), report);
      System.out.println("JSON: " + options.json().get());
    }
  }

  public XdsBenchmarkReport run() throws IOException, InterruptedException {
    String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Machine machine = Machine.current();
    double loadAtStart = Machine.loadAverage();
    XdsBenchmarkReport.Settings settings = XdsBenchmarkReport.Settings.of(options);
    table.header(machine, loadAtStart, settings);
    TranslationProbe translation =
        new TranslationProbe(options.translateWarmups(), options.translateRuns());
    PushProbe push =
        new PushProbe(
            options.quiet(),
            options.maxDelay(),
            options.channels(),
            options.sampleSize(),
            options.warmupChanges(),
            options.measuredChanges(),
            options.timeout());
    List<SizeResult> sizes = new ArrayList<>();
    for (int i = 0; i < options.services().size(); i++) {
      int services = options.services().get(i);
      int routes = options.routesAt(i);
      ClusterState state = SyntheticCluster.build(services, options.endpoints(), routes);
      TranslationResult translated = translation.measure(state);
      table.translation(services, routes, translated);
      List<PushResult> pushes = new ArrayList<>();
      for (XdsMode mode : options.modes()) {
        for (int clients : options.clients()) {
          PushResult result = push.measure(state, mode, clients);
          table.push(result);
          pushes.add(result);
        }
      }
      sizes.add(new SizeResult(services, options.endpoints(), routes, translated, pushes));
    }
    XdsBenchmarkReport report =
        new XdsBenchmarkReport(
            started,
            machine,
            List.of(loadAtStart, Machine.loadAverage()),
            settings,
            sizes,
            List.of(TargetResult.translation(sizes), TargetResult.push(sizes)),
            XdsBenchmarkReport.HEAP_NOTE);
    table.footer(report);
    return report;
  }

  static void write(Path path, XdsBenchmarkReport report) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(path, report.toJson() + "\n");
  }
}
