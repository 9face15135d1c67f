package io.attache.charts;

import static io.attache.charts.RenderedChart.render;
import static io.attache.charts.RenderedChart.renderWithValues;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Deployments and Services: hardening, probes, ports, scheduling knobs. */
class ChartWorkloadTest {
  private static final List<String> COMPONENTS =
      List.of("ratelimit-service", "ext-authz", "control-plane");

  private static PodSpec pod(RenderedChart chart, String component) {
    return chart.deployment(component).getSpec().getTemplate().getSpec();
  }

  @Test
  void everyPodRunsAsTheImagesNonRootUserWithTheRuntimeDefaultSeccompProfile() {
    RenderedChart chart = render();
    for (String component : COMPONENTS) {
      var security = pod(chart, component).getSecurityContext();
      assertThat(security.getRunAsNonRoot()).as(component).isTrue();
      assertThat(security.getRunAsUser()).as(component).isEqualTo(65532L);
      assertThat(security.getRunAsGroup()).as(component).isEqualTo(65532L);
      assertThat(security.getSeccompProfile().getType()).as(component).isEqualTo("RuntimeDefault");
    }
  }

  @Test
  void everyContainerHasAReadOnlyRootAndNoCapabilities() {
    RenderedChart chart = render();
    for (String component : COMPONENTS) {
      var security = chart.container(component).getSecurityContext();
      assertThat(security.getReadOnlyRootFilesystem()).as(component).isTrue();
      assertThat(security.getAllowPrivilegeEscalation()).as(component).isFalse();
      assertThat(security.getCapabilities().getDrop()).as(component).containsExactly("ALL");
    }
  }

  @Test
  void theSpoolAndTmpAreTheOnlyWritableDirectoriesAndTheSpoolIsBounded() {
    RenderedChart chart = render("events.spool.sizeLimit", "2Gi");
    for (String component : COMPONENTS) {
      Container container = chart.container(component);
      assertThat(container.getVolumeMounts())
          .extracting(m -> m.getName() + ":" + m.getMountPath())
          .containsExactlyInAnyOrder("spool:/var/lib/attache/spool", "tmp:/tmp");
      Volume spool =
          pod(chart, component).getVolumes().stream()
              .filter(v -> v.getName().equals("spool"))
              .findFirst()
              .orElseThrow();
      assertThat(spool.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("2Gi"));
      assertThat(chart.envValue(component, "ATTACHE_SPOOL_DIR"))
          .isEqualTo("/var/lib/attache/spool");
      assertThat(chart.envValue(component, "ATTACHE_SPOOL_MAX_BYTES")).isEqualTo("805306368");
    }
  }

  @ParameterizedTest
  @CsvSource({"ratelimit-service, 8080", "ext-authz, 9003", "control-plane, 18001"})
  void probesAskTheAdminPort(String component, int adminPort) {
    Container container = render().container(component);

    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo("http-admin");
    assertThat(container.getPorts())
        .filteredOn(p -> p.getName().equals("http-admin"))
        .extracting(ContainerPort::getContainerPort)
        .containsExactly(adminPort);
  }

  @ParameterizedTest
  @CsvSource({
    "ratelimit-service, 'grpc:8081:grpc,http-admin:8080:http'",
    "ext-authz, 'grpc:9001:grpc,http-auth:9002:http,http-admin:9003:http'",
    "control-plane, 'grpc:18000:grpc,http-admin:18001:http'"
  })
  void servicesNameTheirPortsAndProtocols(String component, String expected) {
    Service service = render().get(Service.class, "rel-" + component);

    assertThat(service.getSpec().getPorts())
        .extracting((ServicePort p) -> p.getName() + ":" + p.getPort() + ":" + p.getAppProtocol())
        .containsExactly(expected.split(","));
    assertThat(service.getSpec().getSelector())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("app.kubernetes.io/instance", "rel", "app.kubernetes.io/component", component));
  }

  @Test
  void portsAreSetByTheVariablesEachServiceReads() {
    RenderedChart chart = render("extAuthz.grpcPort", 7001, "ratelimit.adminPort", 7080);

    assertThat(chart.envValue("ext-authz", "GRPC_PORT")).isEqualTo("7001");
    assertThat(chart.envValue("ext-authz", "HTTP_PORT")).isEqualTo("9002");
    assertThat(chart.envValue("ext-authz", "ADMIN_PORT")).isEqualTo("9003");
    assertThat(chart.envValue("ratelimit-service", "PORT")).isEqualTo("7080");
    assertThat(chart.envValue("ratelimit-service", "GRPC_PORT")).isEqualTo("8081");
    assertThat(chart.envValue("control-plane", "ADMIN_PORT")).isEqualTo("18001");
  }

  @Test
  void theRateLimitDebugPortListensOnLoopbackOnly() {
    RenderedChart chart = render();

    assertThat(chart.envValue("ratelimit-service", "DEBUG_HOST")).isEqualTo("127.0.0.1");
    assertThat(chart.envValue("ratelimit-service", "DEBUG_PORT")).isEqualTo("6070");
  }

  @Test
  void imagesComeFromTheRegistryWithTheAppVersionByDefault() {
    RenderedChart chart = render("image.registry", "registry.example.com/team");

    assertThat(chart.container("ext-authz").getImage())
        .isEqualTo("registry.example.com/team/ext-authz:0.1.0");
    assertThat(render("image.tag", "1.2.3").container("control-plane").getImage())
        .isEqualTo("ghcr.io/attache/control-plane:1.2.3");
  }

  @Test
  void replicasAndResourcesAreSetPerService() {
    RenderedChart chart =
        render("extAuthz.replicas", 3, "extAuthz.resources.limits.memory", "768Mi");

    assertThat(chart.deployment("ext-authz").getSpec().getReplicas()).isEqualTo(3);
    assertThat(chart.deployment("control-plane").getSpec().getReplicas()).isEqualTo(1);
    assertThat(chart.container("ext-authz").getResources().getLimits())
        .containsEntry("memory", new Quantity("768Mi"));
  }

  @Test
  void schedulingKnobsReachThePodSpec() {
    RenderedChart chart =
        renderWithValues(
            """
            controlPlane:
              nodeSelector: {kubernetes.io/os: linux}
              tolerations: [{key: dedicated, operator: Equal, value: edge, effect: NoSchedule}]
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                      - matchExpressions: [{key: tier, operator: In, values: [edge]}]
              topologySpread: {enabled: true, maxSkew: 1, topologyKey: kubernetes.io/hostname,
                               whenUnsatisfiable: DoNotSchedule}
            """);
    PodSpec pod = pod(chart, "control-plane");

    assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(pod.getTolerations())
        .singleElement()
        .satisfies(t -> assertThat(t.getValue()).isEqualTo("edge"));
    assertThat(pod.getAffinity().getNodeAffinity()).isNotNull();
    assertThat(pod.getTopologySpreadConstraints())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
              assertThat(t.getLabelSelector().getMatchLabels())
                  .containsEntry("app.kubernetes.io/component", "control-plane");
            });
    assertThat(pod(chart, "ext-authz").getTopologySpreadConstraints()).isEmpty();
  }

  @Test
  void podAnnotationsLabelsAndExtraEnvAreAdded() {
    RenderedChart chart =
        renderWithValues(
            """
            ratelimit:
              podAnnotations: {example.com/team: edge}
              podLabels: {example.com/cost-centre: "42"}
              extraEnv:
                - {name: SHADOW_MODE, value: "true"}
                - name: CACHE_KEY_PREFIX
                  valueFrom: {configMapKeyRef: {name: rl, key: prefix}}
            """);
    Deployment ratelimit = chart.deployment("ratelimit-service");

    assertThat(ratelimit.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("example.com/team", "edge");
    assertThat(ratelimit.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("example.com/cost-centre", "42");
    assertThat(chart.envValue("ratelimit-service", "SHADOW_MODE")).isEqualTo("true");
    assertThat(chart.env("ratelimit-service").get("CACHE_KEY_PREFIX").getValueFrom()).isNotNull();
  }

  @Test
  void theServiceAccountTokenIsMountedOnlyByTheServicePods() {
    RenderedChart chart = render();

    assertThat(chart.all(io.fabric8.kubernetes.api.model.ServiceAccount.class))
        .hasSize(3)
        .allSatisfy(sa -> assertThat(sa.getAutomountServiceAccountToken()).isFalse());
    for (String component : COMPONENTS) {
      assertThat(pod(chart, component).getAutomountServiceAccountToken()).isTrue();
      assertThat(pod(chart, component).getServiceAccountName()).isEqualTo("rel-" + component);
    }
  }

  @Test
  void podsAreAnnotatedForPrometheusUnlessAServiceMonitorScrapesThem() {
    Map<String, String> annotations =
        render().deployment("control-plane").getSpec().getTemplate().getMetadata().getAnnotations();

    assertThat(annotations)
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", "18001")
        .containsEntry("prometheus.io/path", "/metrics");
    assertThat(
            render("metrics.serviceMonitor.enabled", true)
                .deployment("control-plane")
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations())
        .isNullOrEmpty();
  }
}
