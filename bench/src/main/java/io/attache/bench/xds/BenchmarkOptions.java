package io.attache.bench.xds;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link XdsBenchmark} runs. Sizes pair up by position: the i-th {@code --services} with the
 * i-th {@code --routes} (or the only one); every size runs with every {@code --clients} count and
 * every mode. {@code --quick} shrinks the defaults to a few seconds' worth; flags given explicitly
 * win over it.
 *
 * @param services Services per size
 * @param routes HTTPRoutes per size, attached to one Gateway
 * @param endpoints ready endpoints per Service (over two zones)
 * @param clients ADS clients per fleet
 * @param modes ADS variants to run
 * @param channels HTTP/2 connections the clients of a fleet share
 * @param sampleSize endpoint names each client subscribes to, the hot one included
 * @param quiet the publisher's debounce: states closer than this become one snapshot
 * @param maxDelay the publisher's longest wait after the first state of a burst
 * @param translateWarmups translations before timing
 * @param translateRuns translations timed (the median is reported)
 * @param warmupChanges endpoint changes pushed before measuring: the JIT is still compiling the
 *     push path after the initial sync, and on two cores its threads slow the first changes down
 * @param measuredChanges endpoint changes measured
 * @param timeout how long a fleet may take to sync, and a change to be ACKed by all
 * @param json where to write the JSON report, if anywhere
 */
public record BenchmarkOptions(
    List<Integer> services,
    List<Integer> routes,
    int endpoints,
    List<Integer> clients,
    List<XdsMode> modes,
    int channels,
    int sampleSize,
    Duration quiet,
    Duration maxDelay,
    int translateWarmups,
    int translateRuns,
    int warmupChanges,
    int measuredChanges,
    Duration timeout,
    Optional<Path> json) {

  static final String USAGE =
      """
      usage: XdsBenchmark [--quick] [--services 1000,10000] [--routes 1000,10000] [--endpoints 5]
                          [--clients 100,500] [--modes sotw,delta] [--channels 4] [--sample 10]
                          [--quiet-ms 10] [--max-delay-ms 50] [--changes 5] [--warmup-changes 5]
                          [--translate-runs 5] [--translate-warmups 3] [--timeout-s 120]
                          [--json PATH]""";

  private static final Set<String> FLAGS =
      Set.of(
          "services",
          "routes",
          "endpoints",
          "clients",
          "modes",
          "channels",
          "sample",
          "quiet-ms",
          "max-delay-ms",
          "changes",
          "warmup-changes",
          "translate-runs",
          "translate-warmups",
          "timeout-s",
          "json");

  public BenchmarkOptions {
    services = List.copyOf(services);
    routes = List.copyOf(routes);
    clients = List.copyOf(clients);
    modes = List.copyOf(modes);
    if (services.isEmpty() || clients.isEmpty() || modes.isEmpty()) {
      throw new IllegalArgumentException("services, clients and modes need at least one value");
    }
    if (routes.size() != 1 && routes.size() != services.size()) {
      throw new IllegalArgumentException(
          "--routes needs one value or one per --services value, was " + routes);
    }
  }

  /** The HTTPRoutes of the {@code index}-th size. */
  int routesAt(int index) {
    return routes.size() == 1 ? routes.get(0) : routes.get(index);
  }

  /** Parses {@code --name value} (or {@code --name=value}) flags; see {@link #USAGE}. */
  public static BenchmarkOptions parse(String... args) {
    Map<String, String> flags = new HashMap<>();
    boolean quick = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--quick")) {
        quick = true;
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + arg + "\n" + USAGE);
      }
      String name = arg.substring(2);
      String value;
      int equals = name.indexOf('=');
      if (equals >= 0) {
        value = name.substring(equals + 1);
        name = name.substring(0, equals);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value\n" + USAGE);
      }
      if (!FLAGS.contains(name)) {
        throw new IllegalArgumentException("unknown flag --" + name + "\n" + USAGE);
      }
      flags.put(name, value);
    }
    List<Integer> services = ints(flags, "services", quick ? "50" : "1000,10000");
    return new BenchmarkOptions(
        services,
        ints(flags, "routes", flags.getOrDefault("services", quick ? "50" : "1000,10000")),
        integer(flags, "endpoints", "5"),
        ints(flags, "clients", quick ? "10" : "100,500"),
        modes(flags.getOrDefault("modes", "sotw,delta")),
        integer(flags, "channels", "4"),
        integer(flags, "sample", "10"),
        Duration.ofMillis(integer(flags, "quiet-ms", "10")),
        Duration.ofMillis(integer(flags, "max-delay-ms", "50")),
        integer(flags, "translate-warmups", quick ? "2" : "3"),
        integer(flags, "translate-runs", quick ? "3" : "5"),
        integer(flags, "warmup-changes", quick ? "1" : "5"),
        integer(flags, "changes", quick ? "2" : "5"),
        Duration.ofSeconds(integer(flags, "timeout-s", quick ? "30" : "120")),
        Optional.ofNullable(flags.get("json")).map(Path::of));
  }

  private static int integer(Map<String, String> flags, String name, String fallback) {
    List<Integer> values = ints(flags, name, fallback);
    if (values.size() != 1) {
      throw new IllegalArgumentException("--" + name + " takes one number, was " + values);
    }
    return values.get(0);
  }

  private static List<Integer> ints(Map<String, String> flags, String name, String fallback) {
    List<Integer> values = new ArrayList<>();
    for (String part : flags.getOrDefault(name, fallback).split(",")) {
      try {
        int value = Integer.parseInt(part.strip().replace("_", ""));
        if (value < 0) {
          throw new NumberFormatException("negative");
        }
        values.add(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--" + name + ": not a non-negative number: " + part + "\n" + USAGE, e);
      }
    }
    return values;
  }

  private static List<XdsMode> modes(String value) {
    List<XdsMode> modes = new ArrayList<>();
    for (String part : value.split(",")) {
      try {
        modes.add(XdsMode.valueOf(part.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--modes: sotw or delta, was " + part, e);
      }
    }
    return modes;
  }
}
