package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.translate.Translator;
import io.attache.runtime.WatchedDirectory;
import io.attache.testsupport.YamlHoles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind the control plane reads, with one node at a time made empty ({@code rules: [~]}), an
 * empty map, an empty list or a string: the files parse into a state that translates, or into
 * errors that each give a reason, never an exception. The fuzzer found such holes one per run
 * (docs/fuzzing.md); this walks every node of the examples and the fuzz seeds.
 */
class ResourceHolesTest {
  private static final Path SEEDS =
      Path.of("src/test/resources/io/attache/controlplane/source/ResourceParserFuzzTestInputs")
          .resolve("parsesOrNamesEveryError");

  static Stream<Path> documents() {
    return Stream.of(
        SEEDS.resolve("shop-and-policies-two-files"),
        SEEDS.resolve("route-all-filters"),
        SEEDS.resolve("ratelimit-local-and-merge"),
        SEEDS.resolve("more-kinds"),
        Path.of("../examples/cluster/echo.yaml"),
        Path.of("../examples/emissary/mappings.yaml"));
  }

  @ParameterizedTest
  @MethodSource("documents")
  void everyHoleIsNamedNeverThrown(Path file) {
    String yaml = read(file).replace("\0", "\n---\n");
    if (file.endsWith("mappings.yaml")) {
      for (String other : List.of("hosts.yaml", "listeners.yaml", "tlscontexts.yaml")) {
        yaml = read(file.resolveSibling(other)) + "\n---\n" + yaml;
      }
    }
    assertThat(parse(yaml)).as("%s as committed", file).isNotNull();

    List<String> thrown = YamlHoles.complaints(yaml, ResourceHolesTest::complaint);
    assertThat(thrown).as("%s", file).isEmpty();
  }

  /** An empty list item must be refused, every error must say why, and what parses translates. */
  private static Optional<String> complaint(YamlHoles.Variant variant) {
    ParseResult result = parse(variant.yaml());
    if (variant.where().endsWith("] = ~") && result instanceof ParseResult.Parsed) {
      return Optional.of("an empty list item was accepted");
    }
    if (result instanceof ParseResult.Invalid invalid) {
      return invalid.errors().stream()
          .filter(
              error ->
                  error.reason() == null
                      || error.reason().isBlank()
                      || error.reason().contains(ResourceKind.CONVERTER_BUG))
          .findFirst()
          .map(error -> "no reason, or a converter's exception, in " + error);
    }
    new Translator().translate(((ParseResult.Parsed) result).state());
    return Optional.empty();
  }

  private static ParseResult parse(String yaml) {
    return new ResourceParser().parse(List.of(new WatchedDirectory.File("holes.yaml", yaml)));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
