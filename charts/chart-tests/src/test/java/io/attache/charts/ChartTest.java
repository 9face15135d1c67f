package io.attache.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ChartTest {
  private static final Path CHART = Path.of("..", "attache");
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private static List<HasMetadata> render(UnaryOperator<TemplateCommand> customizer) {
    String manifest = customizer.apply(new Helm(CHART).template().withName("rel")).call();
    Object parsed = YAML.unmarshal(manifest);
    return parsed instanceof List<?> list
        ? list.stream().map(HasMetadata.class::cast).toList()
        : List.of((HasMetadata) parsed);
  }

  @Test
  void theChartPassesStrictLint() {
    LintResult lint = new Helm(CHART).lint().strict().call();

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void defaultsDeployEveryServiceWithProbesOnTheAdminPort() {
    List<Deployment> deployments =
        render(t -> t).stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .toList();

    assertThat(deployments)
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder("rel-ratelimit-service", "rel-ext-authz", "rel-control-plane");
    for (Deployment deployment : deployments) {
      var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
      assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    }
  }

  @Test
  void theRateLimitServiceKeepsTheReferencePortsAndVariables() {
    Deployment ratelimit =
        render(t -> t).stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .filter(d -> d.getMetadata().getName().equals("rel-ratelimit-service"))
            .findFirst()
            .orElseThrow();

    var env = ratelimit.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertThat(env)
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("GRPC_PORT");
              assertThat(e.getValue()).isEqualTo("8081");
            });
    assertThat(env)
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("PORT");
              assertThat(e.getValue()).isEqualTo("8080");
            });
  }

  @Test
  void aServiceSwitchedOffIsNotRendered() {
    List<HasMetadata> objects = render(t -> t.set("extAuthz.enabled", "false"));

    assertThat(objects).noneMatch(o -> o.getMetadata().getName().contains("ext-authz"));
    assertThat(objects.stream().filter(Service.class::isInstance)).hasSize(2);
  }

  @Test
  void kafkaSettingsReachEveryService() {
    List<Deployment> deployments =
        render(t -> t.set("kafka.bootstrapServers", "kafka:9092")).stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .toList();

    assertThat(deployments)
        .allSatisfy(
            d ->
                assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getName()).isEqualTo("KAFKA_BOOTSTRAP_SERVERS");
                          assertThat(e.getValue()).isEqualTo("kafka:9092");
                        }));
  }
}
