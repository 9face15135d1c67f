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

  private static final Path EXAMPLES = Path.of("..", "examples", "emissary");

  /** The example files' Mappings and Hosts, migrated, as one YAML file. */
  private static String migrated() throws Exception {
    EmissaryObjects objects = new EmissaryObjects();
    for (WatchedDirectory.File file : examples()) {
      int i = 0;
      for (String document : file.content().split("(?m)^---\\s*$")) {
        if (!document.isBlank()) {
          objects.read(file.name() + "#" + ++i, YAML.unmarshal(document, Map.class));
        }
      }
    }
    assertThat(objects.errors()).isEmpty();
    StringBuilder migrated = new StringBuilder();
    GatewayApiMigration.migrate(
            objects.mappings(),
            objects.hosts(),
            objects.listeners(),
            objects.tlsContexts(),
            "attache")
        .objects()
        .forEach(o -> migrated.append(YAML.asYaml(o)));
    return migrated.toString();
  }

  private static List<WatchedDirectory.File> examples() throws Exception {
    List<WatchedDirectory.File> files = new ArrayList<>();
    try (Stream<Path> listing = Files.list(EXAMPLES)) {
      for (Path file : listing.sorted().toList()) {
        files.add(new WatchedDirectory.File(file.toString(), Files.readString(file)));
      }
    }
    return files;
  }

  /** The xDS the control plane serves for {@code files} with the examples' Services and Secrets. */
  private static String served(List<WatchedDirectory.File> files) {
    List<WatchedDirectory.File> all = new ArrayList<>(files);
    all.add(new WatchedDirectory.File("services.yaml", SERVICES));
    all.add(
        new WatchedDirectory.File(
            "secrets.yaml",
            TlsFixtures.secretYaml(
                    "emissary", "shop-example-com-tls", TlsFixtures.RSA_CERT, TlsFixtures.RSA_KEY)
                + "---\n"
                + TlsFixtures.secretYaml(
                    "certs", "internal-wildcard-tls", TlsFixtures.RSA_CERT, TlsFixtures.RSA_KEY)));
    ParseResult parsed = new ResourceParser().parse(all);
    assertThat(parsed).as(parsed.toString()).isInstanceOf(ParseResult.Parsed.class);
    return XdsJson.pretty(
        XdsJson.byType(new Translator().translate(((ParseResult.Parsed) parsed).state())));
  }

  /**
   * The round trip: Mapping → HTTPRoute → xDS equals Mapping → xDS, but for the names of the routes
   * Mappings become when served (prefixed {@code mapping-}, beside HTTPRoutes of the same name).
   */
  @Test
  void servingTheMappingsEqualsServingWhatTheyMigrateTo() throws Exception {
    String direct = served(examples());
    String viaHttpRoutes = served(List.of(new WatchedDirectory.File("migrated.yaml", migrated())));

    assertThat(direct).contains("shop/mapping-catalog/rule/0");
    assertThat(direct.replace("/mapping-", "/")).isEqualTo(viaHttpRoutes);
  }

  @Test
  void theExampleMappingsMigrateToObjectsTheControlPlaneServes() throws Exception {
    String xds =
        served(List.of(new WatchedDirectory.File("migrated.yaml", migrated())))
            .replaceAll("\\s+", " ");
    assertThat(xds)
        .contains("\"name\": \"shop/catalog:8080\"") // a cluster per Service port
        .contains("\"weight\": 90")
        .contains("\"weight\": 10")
        .contains("\"timeout\": \"3s\"")
        .contains("\"timeout\": \"10s\"")
        .contains("\"schemeRedirect\": \"https\"")
        .contains("\"hostRedirect\": \"blog.example.com\"")
        .contains("\"x-shop-frontend\"")
        .contains("\"lbPolicy\": \"RING_HASH\"") // load_balancer, on the Service's cluster
        .contains("\"headerName\": \"x-session\"")
        .contains("\"maxConnections\": 2048") // circuit_breakers
        .contains("\"retryOn\": \"gateway-error\"") // retry_policy, on the route
        .contains("\"perTryTimeout\": \"2.500s\"")
        // bypass_auth, as Emissary writes it (v3route.py): the filter disabled on the route
        .contains(
            "\"envoy.filters.http.ext_authz\": { \"@type\":"
                + " \"type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute\","
                + " \"disabled\": true }")
        // labels: one rate_limits entry per label group, in Emissary's domain
        .contains(
            "\"rateLimits\": [ { \"actions\": [ { \"remoteAddress\": {} } ] }, { \"actions\": [ {"
                + " \"genericKey\": { \"descriptorValue\": \"checkout\" } }, { \"requestHeaders\": {"
                + " \"headerName\": \"x-user-id\", \"descriptorKey\": \"user\" } } ] } ]")
        .contains("\"genericKey\": { \"descriptorValue\": \"checkout\" }")
        .contains(
            "\"requestHeaders\": { \"headerName\": \"x-user-id\", \"descriptorKey\": \"user\" }")
        .contains("\"domain\": \"ambassador\"")
        // Emissary's string prefix: /catalog/ alone, not /catalog (attache.io/path-prefix)
        .contains("\"match\": { \"prefix\": \"/catalog/\" }")
        .doesNotContain("\"match\": { \"path\": \"/catalog\" }")
        // the shop's TLSContext, on its HTTPS listener's filter chain
        .contains("\"tlsParams\": { \"tlsMinimumProtocolVersion\": \"TLSv1_2\" }")
        // cors, as ircors.py writes it: exact origins, the lists joined
        .contains(
            "\"envoy.filters.http.cors\": { \"@type\":"
                + " \"type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy\","
                + " \"allowOriginStringMatch\": [ { \"exact\": \"https://shop.example.com\" } ],"
                + " \"allowMethods\": \"GET, POST\", \"allowHeaders\": \"Content-Type\", \"maxAge\":"
                + " \"86400\" }");
  }
}
