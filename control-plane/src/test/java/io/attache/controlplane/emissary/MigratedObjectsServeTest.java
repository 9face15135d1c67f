package io.attache.controlplane.emissary;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.TlsFixtures;
import io.attache.controlplane.source.ParseResult;
import io.attache.controlplane.source.ResourceParser;
import io.attache.controlplane.translate.Translator;
import io.attache.controlplane.xds.XdsJson;
import io.attache.runtime.WatchedDirectory;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The migration's output for examples/emissary is what the control plane accepts and serves: no
 * object refused, and Envoy routes that do what the Mappings did (the canary split, the rewrite,
 * Emissary's timeouts, the HTTPS redirect).
 */
class MigratedObjectsServeTest {
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private static final String SERVICES =
      Stream.of(
              "shop/catalog:8080",
              "shop/catalog-v2:8080",
              "payments/checkout:9000",
              "shop/search-beta:80",
              "internal/orders:80")
          .map(
              s -> {
                String namespace = s.substring(0, s.indexOf('/'));
                String name = s.substring(s.indexOf('/') + 1, s.indexOf(':'));
                String port = s.substring(s.indexOf(':') + 1);
                return "apiVersion: v1\nkind: Service\nmetadata: {name: %s, namespace: %s}\nspec:\n  ports: [{port: %s}]\n"
                    .formatted(name, namespace, port);
              })
          .reduce("", (a, b) -> a + "---\n" + b);

  @Test
  void theExampleMappingsMigrateToObjectsTheControlPlaneServes() throws Exception {
    EmissaryObjects objects = new EmissaryObjects();
    Path examples = Path.of("..", "examples", "emissary");
    try (Stream<Path> files = Files.list(examples)) {
      for (Path file : files.sorted().toList()) {
        int i = 0;
        for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
          if (!document.isBlank()) {
            objects.read(file + "#" + ++i, YAML.unmarshal(document, Map.class));
          }
        }
      }
    }
    assertThat(objects.errors()).isEmpty();
    GatewayApiMigration.Result result =
        GatewayApiMigration.migrate(objects.mappings(), objects.hosts());
    List<WatchedDirectory.File> files = new ArrayList<>();
    StringBuilder migrated = new StringBuilder();
    result.objects().forEach(o -> migrated.append(YAML.asYaml(o)));
    files.add(new WatchedDirectory.File("migrated.yaml", migrated.toString()));
    files.add(new WatchedDirectory.File("services.yaml", SERVICES));
    files.add(
        new WatchedDirectory.File(
            "secrets.yaml",
            TlsFixtures.secretYaml(
                    "emissary", "shop-example-com-tls", TlsFixtures.RSA_CERT, TlsFixtures.RSA_KEY)
                + "---\n"
                + TlsFixtures.secretYaml(
                    "certs", "internal-wildcard-tls", TlsFixtures.RSA_CERT, TlsFixtures.RSA_KEY)));

    ParseResult parsed = new ResourceParser().parse(files);

    assertThat(parsed).isInstanceOf(ParseResult.Parsed.class);
    String xds =
        XdsJson.pretty(
                XdsJson.byType(new Translator().translate(((ParseResult.Parsed) parsed).state())))
            .replaceAll("\\s+", " ");
    assertThat(xds)
        .contains("\"name\": \"shop/catalog:8080\"") // a cluster per Service port
        .contains("\"weight\": 90")
        .contains("\"weight\": 10")
        .contains("\"timeout\": \"3s\"")
        .contains("\"timeout\": \"10s\"")
        .contains("\"schemeRedirect\": \"https\"")
        .contains("\"hostRedirect\": \"blog.example.com\"")
        .contains("\"x-shop-frontend\"");
  }
}
