package io.attache.crds;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CRDs generated from the Java model (by crd-generator-maven-plugin, into target/classes) are
 * the ones committed under crds/generated and charts/attache/crds, and they accept every example
 * resource and refuse the mistakes they are meant to catch. Run with {@code -Dattache.updateCrds}
 * to rewrite the committed copies after changing the model.
 */
class CrdSchemasTest {
  private static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8");
  private static final List<Path> COMMITTED =
      List.of(Path.of("generated"), Path.of("..", "charts", "attache", "crds"));
  private static final Path EXAMPLES = Path.of("..", "examples");
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(#.*)?$");
  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final Map<String, CrdSchema> BY_KIND = new HashMap<>();

  @BeforeAll
  static void readGenerated() throws IOException {
    for (Path file : generated()) {
      String yaml = Files.readString(file);
      String kind =
          file.getFileName().toString().startsWith("auth")
              ? "AuthPolicy"
              : file.getFileName().toString().startsWith("ratelimit")
                  ? "RateLimitPolicy"
                  : "TrafficPolicy";
      BY_KIND.put(kind, new CrdSchema(yaml));
    }
  }

  private static List<Path> generated() throws IOException {
    try (Stream<Path> files = Files.list(GENERATED)) {
      return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    }
  }

  /**
   * {@code authpolicies.attache.io-v1.yml} is committed as {@code authpolicies.attache.io.yaml}.
   */
  private static String committedName(Path generated) {
    return generated.getFileName().toString().replace("-v1.yml", ".yaml");
  }

  @Test
  void theCommittedCrdsAreTheGeneratedOnes() throws IOException {
    List<String> stale = new ArrayList<>();
    for (Path file : generated()) {
      String fresh = Files.readString(file);
      for (Path dir : COMMITTED) {
        Path committed = dir.resolve(committedName(file));
        if (Boolean.getBoolean("attache.updateCrds")) {
          Files.createDirectories(dir);
          Files.writeString(committed, fresh);
        } else if (!Files.exists(committed) || !Files.readString(committed).equals(fresh)) {
          stale.add(committed.toString());
        }
      }
    }
    assertThat(stale)
        .as("stale CRDs; regenerate with: mvn -pl crds verify -Dattache.updateCrds=true")
        .isEmpty();
    assertThat(BY_KIND).containsOnlyKeys("AuthPolicy", "RateLimitPolicy", "TrafficPolicy");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> exampleResources() throws IOException {
    List<Map<String, Object>> resources = new ArrayList<>();
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (String document : DOCUMENT_SEPARATOR.split(Files.readString(file))) {
          if (document.contains("apiVersion: attache.io/")) {
            Map<String, Object> resource = YAML.unmarshal(document, Map.class);
            resource.put("__file", file.toString());
            resources.add(resource);
          }
        }
      }
    }
    return resources;
  }

  @Test
  void everyExampleResourceIsValid() throws IOException {
    List<Map<String, Object>> examples = exampleResources();
    List<String> problems = new ArrayList<>();
    for (Map<String, Object> example : examples) {
      String file = (String) example.remove("__file");
      BY_KIND
          .get(example.get("kind"))
          .problems(example)
          .forEach(p -> problems.add(file + ": " + p));
    }

    assertThat(examples)
        .extracting(e -> e.get("kind"))
        .contains("AuthPolicy", "RateLimitPolicy", "TrafficPolicy");
    assertThat(problems).isEmpty();
  }

  private static List<String> problems(String kind, String spec) {
    Map<String, Object> resource =
        YAML.unmarshal(
            "apiVersion: attache.io/v1alpha1\nkind: "
                + kind
                + "\nmetadata: {name: x}\nspec:\n"
                + spec.indent(2),
            Map.class);
    return BY_KIND.get(kind).problems(resource);
  }

  @Test
  void consistentHashingWithoutAHashIsRefused() {
    assertThat(
            problems(
                "TrafficPolicy",
                "targetRefs: [{group: \"\", kind: Service, name: web}]\nloadBalancer: {type: RingHash}"))
        .containsExactly(
            ".spec.loadBalancer: hashOn is required with RingHash and Maglev, and only applies to them");
  }

  @Test
  void aTrafficPolicyNeedsATarget() {
    assertThat(problems("TrafficPolicy", "connectTimeout: 2s"))
        .anyMatch(p -> p.contains("targetRefs"));
  }

  @Test
  void durationsFollowTheGatewayApiFormat() {
    assertThat(
            problems(
                "TrafficPolicy",
                "targetRefs: [{group: \"\", kind: Service, name: web}]\nconnectTimeout: 2 seconds"))
        .anyMatch(p -> p.contains("connectTimeout") && p.contains("pattern"));
  }

  @Test
  void anUnknownRateLimitUnitIsRefusedWhateverItsCase() {
    String spec =
        "domain: shop\ndescriptors:\n  - key: user\n    rate_limit: {unit: %s, requests_per_unit: 5}";

    assertThat(problems("RateLimitPolicy", spec.formatted("Fortnight")))
        .containsExactly(
            ".spec.descriptors[0].rate_limit.unit: must be second, minute, hour, day, week, month or year");
    assertThat(problems("RateLimitPolicy", spec.formatted("MINUTE"))).isEmpty();
  }

  @Test
  void aLimitIsEitherCountedOrUnlimited() {
    assertThat(
            problems(
                "RateLimitPolicy",
                "domain: shop\ndescriptors:\n  - key: user\n    descriptors:\n      - key: tier\n        rate_limit: {unit: second, requests_per_unit: 5, unlimited: true}"))
        .containsExactly(
            ".spec.descriptors[0].descriptors[0].rate_limit: give unit (or window) and requests_per_unit, or unlimited: true, not both");
  }

  @Test
  void anAuthPolicyNeedsAnIdentityMethod() {
    assertThat(problems("AuthPolicy", "match: {paths: [{prefix: /}]}"))
        .anyMatch(p -> p.contains("identity"));
  }

  @Test
  void aTypoInAnAuthPolicyIsRefusedAsKubectlRefusesIt() {
    assertThat(
            problems(
                "AuthPolicy", "match: {hots: [shop.example.com]}\nidentity: [{anonymous: {}}]"))
        .singleElement()
        .asString()
        .contains("hots");
  }

  @Test
  void anAuthPolicyIdentityMethodIsExactlyOneMethod() {
    assertThat(
            problems(
                "AuthPolicy", "identity: [{anonymous: {}, mtls: {allowed: [\"spiffe://x\"]}}]"))
        .containsExactly(
            ".spec.identity[0]: must have exactly one of jwt, apiKey, mtls, anonymous, basicAuth, introspection, serviceAccount, oidc");
  }
}
