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

  @Test
  void aMissingDirectoryIsBadUsage(@TempDir Path dir) {
    assertThat(validate(dir.resolve("nope"))).isEqualTo(2);
  }
}
