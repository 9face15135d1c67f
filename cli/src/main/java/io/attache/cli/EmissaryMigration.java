package io.attache.cli;

import io.attache.controlplane.emissary.EmissaryObjects;
import io.attache.controlplane.emissary.GatewayApiMigration;
import io.attache.runtime.WatchedDirectory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * {@code attache translate --from emissary}: Emissary Mappings and Hosts in, Gateway API objects
 * out (standard output, YAML documents), and what could not be carried over on standard error. Exit
 * 0 when translated (even with a report), 2 when a file or an object is invalid.
 */
final class EmissaryMigration {
  private EmissaryMigration() {}

  static int run(List<Path> paths, PrintStream out, PrintStream err) {
    List<WatchedDirectory.File> files = TranslateCommand.readAll(paths, err);
    if (files == null) {
      return 2;
    }
    EmissaryObjects objects = new EmissaryObjects();
    boolean unreadable = false;
    for (WatchedDirectory.File file : files) {
      int document = 0;
      try {
        for (Object yaml :
            new Load(LoadSettings.builder().build()).loadAllFromString(file.content())) {
          document++;
          objects.read(file.name() + "#" + document, yaml);
        }
      } catch (YamlEngineException e) {
        err.println(file.name() + "#" + (document + 1) + ": not YAML: " + e.getMessage());
        unreadable = true;
      }
    }
    if (unreadable || !objects.errors().isEmpty()) {
      objects.errors().forEach(err::println);
      return 2;
    }
    GatewayApiMigration.Result result =
        GatewayApiMigration.migrate(
            objects.mappings(),
            objects.hosts(),
            objects.listeners(),
            objects.tlsContexts(),
            "attache");
    Dump dump = new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build());
    out.print(dump.dumpAllToString(result.objects().iterator()));
    result.report().forEach(line -> err.println("attache translate: " + line));
    return 0;
  }
}
