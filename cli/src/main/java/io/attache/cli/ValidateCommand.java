package io.attache.cli;

import io.attache.authz.app.JwtPolicyFactory;
import io.attache.authz.app.LocalPolicyParser;
import io.attache.authz.policy.PolicyException;
import io.attache.authz.policy.PolicyParser;
import io.attache.controlplane.source.ParseResult;
import io.attache.controlplane.source.ResourceParser;
import io.attache.ratelimit.config.ConfigException;
import io.attache.ratelimit.config.ConfigParser;
import io.attache.runtime.WatchedDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code attache validate DIR}: checks every file of a configuration directory, offline, with the
 * same parsers the services use, and prints every error with its file and field.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Validates a configuration directory offline and prints every error with file and field:",
      "  DIR/ratelimit/config/*.yaml  rate limits (envoyproxy/ratelimit format)",
      "  DIR/policies/*.yaml          AuthPolicy documents",
      "  DIR/cluster/*.yaml           Services and EndpointSlices",
      "Exit codes: 0 valid, 1 errors found, 2 bad usage."
    })
final class ValidateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "the directory, e.g. examples")
  Path directory;

  @Override
  public Integer call() {
    return validate(directory, System.out, System.err);
  }

  static int validate(Path directory, PrintStream out, PrintStream err) {
    if (!Files.isDirectory(directory)) {
      err.println("attache validate: " + directory + " is not a directory");
      return 2;
    }
    List<String> errors = new ArrayList<>();
    int files = 0;
    List<WatchedDirectory.File> rateLimits = read(directory.resolve("ratelimit/config"));
    files += rateLimits.size();
    try {
      new ConfigParser(false)
          .load(
              rateLimits.stream()
                  .map(f -> new ConfigParser.Source(f.name(), f.content()))
                  .toList());
    } catch (ConfigException e) {
      e.errors().forEach(error -> errors.add(error.toString()));
    }
    List<WatchedDirectory.File> policies = read(directory.resolve("policies"));
    files += policies.size();
    try (JwtPolicyFactory jwt = JwtPolicyFactory.offline();
        LocalPolicyParser local = new LocalPolicyParser(jwt)) {
      PolicyParser parser = local.parser();
      for (WatchedDirectory.File file : policies) {
        try {
          parser.parse(file.name(), file.content());
        } catch (PolicyException e) {
          e.errors().forEach(error -> errors.add(error.toString()));
        }
      }
    }
    List<WatchedDirectory.File> cluster = read(directory.resolve("cluster"));
    files += cluster.size();
    if (new ResourceParser().parse(cluster) instanceof ParseResult.Invalid invalid) {
      invalid.errors().forEach(error -> errors.add(error.toString()));
    }
    errors.forEach(err::println);
    if (errors.isEmpty()) {
      out.println(files + " file(s) valid");
      return 0;
    }
    err.println(errors.size() + " error(s) in " + files + " file(s)");
    return 1;
  }

  private static List<WatchedDirectory.File> read(Path directory) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    List<WatchedDirectory.File> files = new ArrayList<>();
    try (Stream<Path> entries = Files.list(directory)) {
      for (Path path :
          entries
              .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted()
              .toList()) {
        files.add(
            new WatchedDirectory.File(
                path.toString(), Files.readString(path, StandardCharsets.UTF_8)));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return files;
  }
}
