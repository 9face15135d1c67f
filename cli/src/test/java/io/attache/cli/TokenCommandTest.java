package io.attache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A minted quickstart token opens the example JWT policy, checked with `attache authz check`. */
class TokenCommandTest {

  @Test
  void aMintedTokenIsAcceptedByTheExamplePolicy() throws Exception {
    TokenCommand token = new TokenCommand();
    token.key = Path.of("..", "examples", "keys", "quickstart-private.pem");
    token.keyId = "quickstart";
    token.issuer = "https://quickstart.attache.io";
    token.audience = "attache";
    token.subject = "alice";
    token.claims = List.of("tier=gold");
    token.ttl = "15m";
    String jwt = token.mint(Instant.now());

    AuthzCheckCommand check = new AuthzCheckCommand();
    check.policies = List.of(Path.of("..", "examples", "policies", "example.yaml"));
    check.method = "GET";
    check.host = "localhost";
    check.path = "/me";
    check.headers = List.of("authorization: Bearer " + jwt);
    check.source = "127.0.0.1:1";
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int exit =
        AuthzCheckCommand.check(
            check,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("identity:  alice (jwt)")
        .contains("upstream:  x-tier: gold");
  }
}
