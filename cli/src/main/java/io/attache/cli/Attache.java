package io.attache.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code attache} command. Exit codes: 0 success, 1 failure at run time, 2 bad usage or input.
 */
@Command(
    name = "attache",
    mixinStandardHelpOptions = true,
    versionProvider = Attache.Version.class,
    description = "Rate limiting, external authorization and an xDS control plane for Envoy.",
    subcommands = {
      RunCommand.class,
      ValidateCommand.class,
      RateLimitCommand.class,
      AuthzCommand.class,
      EventsCommand.class,
      EnvoyBootstrapCommand.class,
      TranslateCommand.class,
      TokenCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Attache {

  public static void main(String[] args) {
    // One JVM for every service in `attache run`: its JSON log lines say so.
    System.setProperty(io.attache.runtime.logging.JsonLineEncoder.SERVICE_PROPERTY, "attache");
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Attache()); // picocli exits 2 on bad usage
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"attache " + io.attache.runtime.BuildInfo.version()};
    }
  }
}
