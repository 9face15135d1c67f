package io.attache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuthzCheckCommandTest {

  private static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = Attache.commandLine().setErr(new PrintWriter(new StringWriter())).execute(args);
    } finally {
      System.setOut(saved);
    }
    return new String[] {String.valueOf(exit), out.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void aValidKeyIsAllowedAndTheDecisionIsExplained() {
    String[] result =
        run(
            "authz",
            "check",
            "--policy",
            "../examples/policies/example.yaml",
            "--path",
            "/orders/7",
            "-H",
            "x-api-key: demo-key");

    assertThat(result[0]).isEqualTo("0");
    assertThat(result[1])
        .startsWith("ALLOW 200 ok")
        .contains("policy:    orders")
        .contains("identity:  demo (api_key)")
        .contains("upstream:  x-user-id: demo")
        .contains("remove:    x-api-key");
  }

  @Test
  void aDeleteIsDeniedByTheRuleWithExitOne() {
    String[] result =
        run(
            "authz",
            "check",
            "--policy",
            "../examples/policies/example.yaml",
            "--method",
            "DELETE",
            "--path",
            "/orders/7",
            "-H",
            "x-api-key: demo-key");

    assertThat(result[0]).isEqualTo("1");
    assertThat(result[1]).startsWith("DENY 403 rule_denied").contains("rule:      no-deletes");
  }
}
