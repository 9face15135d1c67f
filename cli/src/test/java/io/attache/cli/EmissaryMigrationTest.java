package io.attache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** {@code attache translate --from emissary}: objects on standard output, the report on error. */
class EmissaryMigrationTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Path path) {
    return EmissaryMigration.run(
        List.of(path),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void theEmissaryExamplesBecomeGatewayApiObjectsAndAReport() {
    int exit = run(Path.of("..", "examples", "emissary"));

    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
    List<Object> documents = new java.util.ArrayList<>();
    new Load(LoadSettings.builder().build())
        .loadAllFromString(out.toString(StandardCharsets.UTF_8))
        .forEach(documents::add);
    assertThat(documents)
        .as("a Gateway, 7 HTTPRoutes, 2 TrafficPolicies, 2 ReferenceGrants")
        .hasSize(12);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("kind: Gateway")
        .contains("name: catalog-v2")
        .contains("weight: 10")
        .contains("attache.io/ext-authz: disabled") // bypass_auth, as the route's annotation
        .contains("attache.io/rate-limit-labels: '{\"ambassador\":");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .doesNotContain("bypass_auth")
        .doesNotContain("labels");
  }

  @Test
  void anInvalidMappingIsNamedWithItsFieldAndExitsTwo(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("bad.yaml"),
        """
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        metadata: {name: typo, namespace: shop}
        spec: {hostname: "*", prefix: /a/, service: a, timout_ms: 10}
        """);

    assertThat(run(dir)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).trim())
        .endsWith(
            "bad.yaml#1: Mapping shop/typo: spec.timout_ms: unknown field of an Emissary Mapping");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
