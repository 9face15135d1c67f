package io.attache.cli;

import io.attache.controlplane.source.ParseResult;
import io.attache.controlplane.source.ResourceParser;
import io.attache.controlplane.translate.Translator;
import io.attache.controlplane.translate.XdsResources;
import io.attache.controlplane.xds.XdsJson;
import io.attache.runtime.WatchedDirectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code attache translate -f FILES}: the xDS resources the control plane would serve for these
 * Kubernetes resources, as JSON, offline (like Envoy Gateway's {@code egctl x translate}).
 */
@Command(
    name = "translate",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the xDS resources (clusters, endpoints, listeners, routes, secrets) the control plane",
      "would serve for Service, EndpointSlice, Gateway, HTTPRoute, GRPCRoute, TLSRoute, TCPRoute,",
      "ReferenceGrant, Namespace, TLS Secret, policy and Emissary Mapping and Host YAML, as JSON or",
      "YAML. Private keys print",
      "as [redacted].",
      "Example: attache translate -f examples/cluster/echo.yaml -o yaml",
      "Exit codes: 0 translated, 2 bad usage or invalid resources (every error printed)."
    })
final class TranslateCommand implements Callable<Integer> {
  @Option(
      names = {"-f", "--file"},
      required = true,
      description = "YAML file(s) or directories (their *.yaml and *.yml); repeat for several")
  List<Path> files;

  @Option(
      names = {"-o", "--output"},
      description = "json (default) or yaml; with --from emissary only yaml")
  String output;

  @Option(
      names = "--from",
      defaultValue = "kubernetes",
      description = {
        "kubernetes (default): print the xDS resources;",
        "emissary: print Gateway API objects (a Gateway, HTTPRoutes, ReferenceGrants) equivalent to",
        "the Emissary Mappings and Hosts (getambassador.io v2 or v3alpha1) in the files, and on",
        "standard error a report of everything not carried over and why"
      })
  String from;

  @Override
  public Integer call() {
    if (from.equals("emissary")) {
      if (output != null && !output.equals("yaml")) {
        System.err.println("attache translate: --from emissary writes yaml, got -o " + output);
        return 2;
      }
      return EmissaryMigration.run(files, System.out, System.err);
    }
    if (!from.equals("kubernetes")) {
      System.err.println(
          "attache translate: --from must be kubernetes or emissary, got '" + from + "'");
      return 2;
    }
    if (output == null) {
      output = "json";
    }
    if (!output.equals("json") && !output.equals("yaml")) {
      System.err.println("attache translate: --output must be json or yaml, got '" + output + "'");
      return 2;
    }
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    int exit = translate(files, new PrintStream(json, true, StandardCharsets.UTF_8), System.err);
    String text = json.toString(StandardCharsets.UTF_8);
    System.out.print(exit == 0 && output.equals("yaml") ? toYaml(text) : text);
    return exit;
  }

  /** JSON is YAML: load it and dump it in block style. */
  static String toYaml(String json) {
    Object tree = new Load(LoadSettings.builder().build()).loadFromString(json);
    return new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build())
        .dumpToString(tree);
  }

  static int translate(List<Path> files, PrintStream out, PrintStream err) {
    List<WatchedDirectory.File> read = readAll(files, err);
    if (read == null) {
      return 2;
    }
    ParseResult result = new ResourceParser().parse(read);
    if (result instanceof ParseResult.Invalid invalid) {
      invalid.errors().forEach(err::println);
      return 2;
    }
    XdsResources xds = new Translator().translate(((ParseResult.Parsed) result).state());
    out.println(XdsJson.pretty(XdsJson.byType(xds)));
    return 0;
  }

  /**
   * The files, and the *.yaml and *.yml of the directories, in order; null (after saying why on
   * {@code err}) when one cannot be read.
   */
  static List<WatchedDirectory.File> readAll(List<Path> files, PrintStream err) {
    List<WatchedDirectory.File> read = new ArrayList<>();
    List<Path> expanded = new ArrayList<>();
    for (Path file : files) {
      if (!Files.isDirectory(file)) {
        expanded.add(file);
        continue;
      }
      try (var listing = Files.list(file)) {
        listing
            .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
            .sorted()
            .forEach(expanded::add);
      } catch (IOException e) {
        err.println("attache translate: cannot list " + file + ": " + e.getMessage());
        return null;
      }
    }
    for (Path file : expanded) {
      try {
        read.add(
            new WatchedDirectory.File(
                file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        err.println("attache translate: cannot read " + file + ": " + e.getMessage());
        return null;
      }
    }
    return read;
  }
}
