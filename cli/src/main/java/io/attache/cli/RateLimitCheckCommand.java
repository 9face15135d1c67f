package io.attache.cli;

import io.attache.ratelimit.config.ConfigException;
import io.attache.ratelimit.config.ConfigParser;
import io.attache.ratelimit.config.RateLimitConfig;
import io.attache.ratelimit.core.Descriptor;
import io.attache.ratelimit.core.DescriptorStatus;
import io.attache.ratelimit.core.Entry;
import io.attache.ratelimit.core.LimitStats;
import io.attache.ratelimit.core.LimiterSettings;
import io.attache.ratelimit.core.OverLimitCache;
import io.attache.ratelimit.core.RateLimitRequest;
import io.attache.ratelimit.core.RateLimitResponse;
import io.attache.ratelimit.core.RateLimiter;
import io.attache.ratelimit.store.MemoryCounterStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code attache ratelimit check}: what the rate-limit service would answer, from a configuration
 * directory, with counters in memory for the duration of the command.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Answers ShouldRateLimit offline from rate-limit config files, counting in memory.",
      "Example: attache ratelimit check --config examples/ratelimit/config --domain example \\",
      "           --descriptor remote_address=10.0.0.1 --times 6",
      "Exit codes: 0 OK, 1 the last answer was OVER_LIMIT, 2 bad usage or config."
    })
final class RateLimitCheckCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "directory of *.yaml rate-limit files")
  Path config;

  @Option(names = "--domain", required = true, description = "the rate-limit domain")
  String domain;

  @Option(
      names = "--descriptor",
      required = true,
      description = "one descriptor as key=value[,key=value...]; repeat for several")
  List<String> descriptors;

  @Option(names = "--times", defaultValue = "1", description = "how many calls to make (default 1)")
  int times;

  @Override
  public Integer call() {
    return check(config, domain, descriptors, times, System.out, System.err);
  }

  static int check(
      Path config,
      String domain,
      List<String> descriptors,
      int times,
      PrintStream out,
      PrintStream err) {
    RateLimitConfig loaded;
    try {
      loaded = new ConfigParser(false).load(read(config));
    } catch (ConfigException e) {
      e.errors().forEach(err::println);
      return 2;
    } catch (IOException e) {
      err.println("attache ratelimit check: cannot read " + config + ": " + e.getMessage());
      return 2;
    }
    if (loaded.domain(domain).isEmpty()) {
      // Answering OK for a domain no file defines would hide a wrong --config or --domain.
      err.println(
          "attache ratelimit check: no file in "
              + config
              + " defines domain '"
              + domain
              + "' (domains: "
              + String.join(", ", loaded.domains().keySet())
              + ")");
      return 2;
    }
    List<Descriptor> parsed = new ArrayList<>();
    for (String text : descriptors) {
      List<Entry> entries = new ArrayList<>();
      for (String pair : text.split(",")) {
        int equals = pair.indexOf('=');
        if (equals <= 0) {
          err.println("attache ratelimit check: --descriptor '" + text + "': expected key=value");
          return 2;
        }
        entries.add(new Entry(pair.substring(0, equals), pair.substring(equals + 1)));
      }
      parsed.add(Descriptor.of(entries.toArray(Entry[]::new)));
    }
    long now = System.currentTimeMillis() / 1000;
    try (MemoryCounterStore store = new MemoryCounterStore(100_000, () -> now)) {
      RateLimiter limiter =
          new RateLimiter(
              LimiterSettings.defaults(), store, OverLimitCache.NONE, LimitStats.NONE, () -> now);
      RateLimitResponse response = null;
      for (int call = 1; call <= Math.max(1, times); call++) {
        response =
            limiter
                .shouldRateLimit(loaded, new RateLimitRequest(domain, parsed, 0, Optional.empty()))
                .toCompletableFuture()
                .join()
                .response();
        out.println("call " + call + ": " + response.overallCode());
        for (int i = 0; i < response.statuses().size(); i++) {
          DescriptorStatus status = response.statuses().get(i);
          out.println("  " + descriptors.get(i) + " -> " + describe(status));
        }
      }
      return response.overallCode() == io.attache.ratelimit.core.Code.OVER_LIMIT ? 1 : 0;
    } catch (java.util.concurrent.CompletionException e) {
      err.println("attache ratelimit check: " + e.getCause().getMessage());
      return 2;
    }
  }

  private static String describe(DescriptorStatus status) {
    if (status.currentLimit().isEmpty()) {
      return status.code() + (status.remaining() > 0 ? " (unlimited)" : " (no limit applies)");
    }
    DescriptorStatus.CurrentLimit limit = status.currentLimit().get();
    return status.code()
        + " limit "
        + limit.requestsPerUnit()
        + "/"
        + limit.unit().map(u -> u.name().toLowerCase()).orElse(limit.windowSeconds() + "s")
        + limit.name().map(n -> " (" + n + ")").orElse("")
        + ", remaining "
        + status.remaining()
        + ", resets in "
        + status.secondsUntilReset()
        + "s";
  }

  private static List<ConfigParser.Source> read(Path directory) throws IOException {
    List<ConfigParser.Source> sources = new ArrayList<>();
    try (Stream<Path> entries = Files.list(directory)) {
      for (Path path :
          entries
              .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList()) {
        sources.add(
            new ConfigParser.Source(
                path.toString(), Files.readString(path, StandardCharsets.UTF_8)));
      }
    }
    return sources;
  }
}
