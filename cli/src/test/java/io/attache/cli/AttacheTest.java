package io.attache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.ServiceProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AttacheTest {

  @Test
  void helpListsTheCommandsAndExitsZero() {
    StringWriter out = new StringWriter();
    CommandLine command = Attache.commandLine().setOut(new PrintWriter(out));

    int exit = command.execute("--help");

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("Usage: attache").contains("run");
  }

  @Test
  void versionPrintsTheVersionTheBuildWasMadeFrom() {
    StringWriter out = new StringWriter();
    CommandLine command = Attache.commandLine().setOut(new PrintWriter(out));

    assertThat(command.execute("--version")).isZero();
    assertThat(out.toString().trim()).matches("attache \\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void anUnknownCommandIsABadUsageExitTwo() {
    CommandLine command = Attache.commandLine().setErr(new PrintWriter(new StringWriter()));

    assertThat(command.execute("frobnicate")).isEqualTo(2);
  }

  @Test
  void runStartsEveryServiceInOneJvmWithPerServiceSettings() {
    Map<String, String> environment =
        Map.of(
            "HOST", "127.0.0.1",
            "RATELIMIT_GRPC_PORT", "0",
            "RATELIMIT_PORT", "0",
            "RATELIMIT_DEBUG_PORT", "0",
            "EXTAUTHZ_GRPC_PORT", "0",
            "EXTAUTHZ_ADMIN_PORT", "0",
            "EXTAUTHZ_HTTP_PORT", "0",
            "CONTROLPLANE_GRPC_PORT", "0",
            "CONTROLPLANE_ADMIN_PORT", "0");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    List<ServiceHost> hosts =
        RunCommand.start(
            java.nio.file.Path.of("..", "examples"),
            environment,
            new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      assertThat(hosts).hasSize(3);
      for (ServiceHost host : hosts) {
        assertThat(ServiceProbe.get("127.0.0.1", host.adminPort(), "/healthz").statusCode())
            .isEqualTo(200);
        assertThat(ServiceProbe.grpcHealth("127.0.0.1", host.grpcPort())).isEqualTo("SERVING");
      }
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .contains("ratelimit-service", "ext-authz", "control-plane", "Ctrl-C");
    } finally {
      RunCommand.stopAll(hosts);
    }
  }
}
