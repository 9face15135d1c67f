package io.attache.authz.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.app.JwtPolicyFactory;
import io.attache.authz.rules.CelConditions;
import io.attache.testsupport.YamlHoles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Policy files with one node at a time made empty ({@code ~}), an empty map, an empty list or a
 * string: each parses or fails with a {@link PolicyException} whose errors all say something, never
 * another exception. Walks every node of the example policies and the fuzz seeds.
 */
class PolicyHolesTest {
  private static final Path SEEDS =
      Path.of("src/test/resources/io/attache/authz/policy/PolicyParserFuzzTestInputs")
          .resolve("parsesOrListsItsErrors");
  private static final PolicyParser PARSER =
      new PolicyParser(JwtPolicyFactory.offline(), new CelConditions(), "secret".getBytes());

  static Stream<Path> files() {
    return Stream.of(
        SEEDS.resolve("example-with-jwt"),
        SEEDS.resolve("http-mode-policies"),
        SEEDS.resolve("orders"),
        SEEDS.resolve("targeted"),
        Path.of("../examples/policies/example.yaml"));
  }

  @ParameterizedTest
  @MethodSource("files")
  void everyHoleIsAnErrorNeverAnException(Path file) throws IOException {
    List<String> thrown =
        YamlHoles.complaints(
            Files.readString(file),
            variant -> {
              try {
                PARSER.parse("policies/holes.yaml", variant.yaml());
                return Optional.empty();
              } catch (PolicyException e) {
                return e.errors().isEmpty()
                        || e.errors().stream().anyMatch(error -> error.toString().isBlank())
                    ? Optional.of("an error without a reason " + e.errors())
                    : Optional.empty();
              }
            });
    assertThat(thrown).as("%s", file).isEmpty();
  }
}
