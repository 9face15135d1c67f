package io.attache.ratelimit.config;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Rate-limit configuration files with one node at a time made empty ({@code ~}), an empty map, an
 * empty list or a string: each loads or fails with a {@link ConfigException} whose errors all say
 * something, never another exception. Walks every node of the examples and the fuzz seeds.
 */
class ConfigHolesTest {
  private static final Path SEEDS =
      Path.of("src/test/resources/io/attache/ratelimit/config/ConfigParserFuzzTestInputs")
          .resolve("loadsOrListsItsErrors");

  static Stream<Path> files() {
    return Stream.of(
        SEEDS.resolve("example"),
        SEEDS.resolve("extensions"),
        SEEDS.resolve("messaging"),
        Path.of("../examples/ratelimit/config/example.yaml"),
        Path.of("../examples/ratelimit/config/per-user.yaml"));
  }

  @ParameterizedTest
  @MethodSource("files")
  void everyHoleIsAnErrorNeverAnException(Path file) throws IOException {
    List<String> thrown =
        YamlHoles.complaints(
            Files.readString(file),
            variant -> {
              try {
                new ConfigParser(false)
                    .load(List.of(new ConfigParser.Source("holes.yaml", variant.yaml())));
                return Optional.empty();
              } catch (ConfigException e) {
                return e.errors().isEmpty()
                        || e.errors().stream().anyMatch(error -> error.message().isBlank())
                    ? Optional.of("an error without a reason " + e.errors())
                    : Optional.empty();
              }
            });
    assertThat(thrown).as("%s", file).isEmpty();
  }
}
