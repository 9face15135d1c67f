package io.attache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int validate(Path dir) {
    return ValidateCommand.validate(
        dir,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void theShippedExamplesAreValid() {
    assertThat(validate(Path.of("..", "examples"))).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("file(s) valid");
  }

  @Test
  void everyErrorOfEveryKindIsPrintedWithItsFileAndFieldAndExitIsOne(@TempDir Path dir)
      throws Exception {
    Files.createDirectories(dir.resolve("ratelimit/config"));
    Files.createDirectories(dir.resolve("policies"));
    Files.writeString(
        dir.resolve("ratelimit/config/rl.yaml"),
        "domain: d\ndescriptors:\n  - key: a\n    rate_limit: {unit: fortnight, requests_per_unit: 1}\n");
    Files.writeString(
        dir.resolve("policies/p.yaml"),
        "metadata: {name: p}\nspec:\n  identity: [{anonymous: {}}]\n  rules: [{name: r, when: \"request.path ==\"}]\n");

    assertThat(validate(dir)).isEqualTo(1);
    String errors = err.toString(StandardCharsets.UTF_8);
    assertThat(errors)
        .contains("rl.yaml:4: descriptors[0].rate_limit.unit: invalid rate limit unit 'fortnight'")
        .contains("p.yaml: spec.rules[0].when:")
        .contains("2 error(s)");
  }

  /**
   * Policies that keep credentials in files are checked with those files: a valid htpasswd file
   * passes, a plain-text password fails with its line, and what needs a cluster (a Secret
   * reference) is named as such.
   */
  @Test
  void credentialFilesArePartOfTheCheck(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("policies"));
    Path users = Files.writeString(dir.resolve("users.htpasswd"), "bob:hunter2\n");
    Files.writeString(
        dir.resolve("policies/p.yaml"),
        """
        metadata: {name: wiki}
        spec:
          identity:
            - basicAuth: {htpasswdFile: %s}
            - introspection: {url: https://idp/introspect, clientId: c, clientSecretRef: {name: s}}
        """
            .formatted(users));

    assertThat(validate(dir)).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("spec.identity[0].basicAuth.htpasswdFile: " + users + ": line 1 (user bob)")
        .contains(
            "spec.identity[1].introspection.clientSecretRef: needs Kubernetes"
                + " (ATTACHE_POLICY_SOURCE=kubernetes)");
  }

  @Test
  void aMissingDirectoryIsBadUsage(@TempDir Path dir) {
    assertThat(validate(dir.resolve("nope"))).isEqualTo(2);
  }
}
