package io.attache.crds;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.crds.v1alpha1.AuthPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The typed AuthPolicy model carries every field of the format: each example policy, written
 * through the API (fabric8's mock API server in CRUD mode; no kube-apiserver can run here) and read
 * back typed, has the spec it was written with.
 */
@EnableKubernetesMockClient(crud = true)
class AuthPolicyModelTest {
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(#.*)?$");
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  KubernetesClient client;

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> examplePolicies() throws IOException {
    List<Map<String, Object>> policies = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("..", "examples"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (String document : DOCUMENT_SEPARATOR.split(Files.readString(file))) {
          if (document.contains("kind: AuthPolicy")) {
            policies.add(JSON.unmarshal(document, Map.class));
          }
        }
      }
    }
    return policies;
  }

  @Test
  void everyExamplePolicyKeepsItsSpecThroughTheApi() throws IOException {
    List<Map<String, Object>> examples = examplePolicies();
    assertThat(examples).hasSizeGreaterThanOrEqualTo(3);
    for (Map<String, Object> example : examples) {
      AuthPolicy written = JSON.convertValue(example, AuthPolicy.class);
      written.getMetadata().setNamespace("shop");
      client.resource(written).create();

      AuthPolicy read =
          client
              .resources(AuthPolicy.class)
              .inNamespace("shop")
              .withName(written.getMetadata().getName())
              .get();

      assertThat(JSON.convertValue(read.getSpec(), Map.class))
          .as(written.getMetadata().getName())
          .isEqualTo(example.get("spec"));
    }
  }
}
