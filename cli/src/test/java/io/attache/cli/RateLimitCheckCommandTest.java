package io.attache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitCheckCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int check(String descriptor, int times) {
    return RateLimitCheckCommand.check(
        Path.of("..", "examples", "ratelimit", "config"),
        "example",
        List.of(descriptor),
        times,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void theSixthCallFromOneAddressIsOverTheFivePerMinuteLimit() {
    assertThat(check("remote_address=10.0.0.1", 6)).isEqualTo(1);
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("call 5: OK").contains("call 6: OVER_LIMIT");
    assertThat(printed).contains("limit 5/minute, remaining 4");
  }

  @Test
  void unlimitedAndUnknownDescriptorsSaySo() {
    assertThat(check("path=/healthz", 1)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("OK (unlimited)");
  }

  @Test
  void aMalformedDescriptorIsBadUsage() {
    assertThat(check("no-equals-sign", 1)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("expected key=value");
  }

  @Test
  void anUnknownDomainIsAnErrorNotAnOk() {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();

    int exit =
        RateLimitCheckCommand.check(
            java.nio.file.Path.of("..", "examples", "ratelimit", "config"),
            "nope",
            java.util.List.of("user=demo"),
            1,
            new java.io.PrintStream(
                new java.io.ByteArrayOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8),
            new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("defines domain 'nope' (domains: ");
  }

  @Test
  void theQuickstartPerUserPolicyLimitsTheThirtyFirstCall() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

    int exit =
        RateLimitCheckCommand.check(
            java.nio.file.Path.of("..", "examples", "ratelimit", "config"),
            "quickstart",
            java.util.List.of("user=demo"),
            31,
            new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
            new java.io.PrintStream(
                new java.io.ByteArrayOutputStream(),
                true,
                java.nio.charset.StandardCharsets.UTF_8));

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("call 31: OVER_LIMIT");
  }
}
