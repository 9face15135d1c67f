package io.attache.charts;

import static io.attache.charts.RenderedChart.render;
import static io.attache.charts.RenderedChart.renderWithValues;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PodDisruptionBudgets, NetworkPolicies, ServiceMonitor, GatewayClass and Emissary resources. */
class ChartOptionalObjectsTest {
  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
  }

  @Test
  void aSingleReplicaGetsNoDisruptionBudget() {
    assertThat(render().all(PodDisruptionBudget.class)).isEmpty();
  }

  @Test
  void moreThanOneReplicaGetsADisruptionBudgetAllowingOnePodDown() {
    List<PodDisruptionBudget> budgets =
        render("controlPlane.replicas", 2).all(PodDisruptionBudget.class);

    assertThat(budgets)
        .singleElement()
        .satisfies(
            pdb -> {
              assertThat(pdb.getMetadata().getName()).isEqualTo("rel-control-plane");
              assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
              assertThat(pdb.getSpec().getSelector().getMatchLabels())
                  .containsEntry("app.kubernetes.io/component", "control-plane");
            });
  }

  @Test
  void disruptionBudgetsCanBeForcedOnOrOff() {
    assertThat(
            render(
                    "extAuthz.podDisruptionBudget.enabled",
                    true,
                    "extAuthz.podDisruptionBudget.minAvailable",
                    1)
                .get(PodDisruptionBudget.class, "rel-ext-authz")
                .getSpec()
                .getMinAvailable()
                .getIntVal())
        .isEqualTo(1);
    assertThat(
            render("extAuthz.replicas", 3, "extAuthz.podDisruptionBudget.enabled", false)
                .all(PodDisruptionBudget.class))
        .isEmpty();
  }

  @Test
  void networkPoliciesAreOffByDefault() {
    assertThat(render().all(NetworkPolicy.class)).isEmpty();
  }

  @Test
  void networkPoliciesOpenTheServingPortsToThePeersAndTheAdminPortToMonitoring() {
    RenderedChart chart =
        renderWithValues(
            """
            networkPolicy:
              enabled: true
              grpcFrom:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ambassador}}
              metricsNamespace: observability
            """);
    NetworkPolicy extAuthz = chart.get(NetworkPolicy.class, "rel-ext-authz");

    assertThat(chart.all(NetworkPolicy.class)).hasSize(3);
    assertThat(extAuthz.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(extAuthz.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/component", "ext-authz");
    var serving = extAuthz.getSpec().getIngress().get(0);
    assertThat(serving.getPorts())
        .extracting((NetworkPolicyPort p) -> p.getPort().getIntVal())
        .containsExactly(9001, 9002);
    assertThat(serving.getFrom())
        .singleElement()
        .satisfies(
            peer ->
                assertThat(peer.getNamespaceSelector().getMatchLabels())
                    .containsEntry("kubernetes.io/metadata.name", "ambassador"));
    var admin = extAuthz.getSpec().getIngress().get(1);
    assertThat(admin.getPorts())
        .extracting((NetworkPolicyPort p) -> p.getPort().getIntVal())
        .containsExactly(9003);
    assertThat(admin.getFrom().get(0).getNamespaceSelector().getMatchLabels())
        .containsEntry("kubernetes.io/metadata.name", "observability");
  }

  @Test
  void withoutPeersTheServingPortsAreOpenAndWithoutAMonitoringNamespaceTheAdminPortIsClosed() {
    NetworkPolicy controlPlane =
        render("networkPolicy.enabled", true, "networkPolicy.metricsNamespace", "")
            .get(NetworkPolicy.class, "rel-control-plane");

    assertThat(controlPlane.getSpec().getIngress())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getFrom()).isNullOrEmpty();
              assertThat(rule.getPorts())
                  .extracting((NetworkPolicyPort p) -> p.getPort().getIntVal())
                  .containsExactly(18000);
            });
  }

  @Test
  void aServiceMonitorScrapesEveryAdminPortOfTheRelease() {
    RenderedChart chart =
        render(
            "metrics.serviceMonitor.enabled",
            true,
            "metrics.serviceMonitor.labels.release",
            "kube-prometheus-stack");
    GenericKubernetesResource monitor = chart.get("ServiceMonitor", "rel-attache");

    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    assertThat(spec(monitor))
        .extractingByKey("selector")
        .isEqualTo(
            Map.of(
                "matchLabels",
                Map.of("app.kubernetes.io/name", "attache", "app.kubernetes.io/instance", "rel")));
    assertThat(spec(monitor))
        .extractingByKey("endpoints")
        .isEqualTo(List.of(Map.of("port", "http-admin", "path", "/metrics", "interval", "30s")));
  }

  @Test
  void noServiceMonitorByDefault() {
    assertThat(render().all("ServiceMonitor")).isEmpty();
  }

  @Test
  void theGatewayClassIsMadeWhenAskedAndNamesOurController() {
    GatewayClass gatewayClass =
        render("controlPlane.gatewayClass.create", true).get(GatewayClass.class, "attache");

    assertThat(gatewayClass.getApiVersion()).isEqualTo("gateway.networking.k8s.io/v1");
    assertThat(gatewayClass.getSpec().getControllerName())
        .isEqualTo("attache.io/gateway-controller");
  }

  @Test
  void theGatewayClassIsNotMadeWhenTheGatewayApiIsNotServedOrItIsSwitchedOff() {
    assertThat(render().all(GatewayClass.class)).isEmpty();
    assertThat(render("controlPlane.gatewayClass.create", false).all(GatewayClass.class)).isEmpty();
    assertThat(
            render("controlPlane.gatewayClass.create", true, "controlPlane.enabled", false)
                .all(GatewayClass.class))
        .isEmpty();
  }

  @Test
  void noEmissaryResourcesByDefault() {
    RenderedChart chart = render();

    assertThat(chart.all("AuthService")).isEmpty();
    assertThat(chart.all("RateLimitService")).isEmpty();
  }

  @Test
  void theAuthServiceSendsEmissaryToExtAuthzOverGrpcV3() {
    GenericKubernetesResource authService =
        render(
                "ambassador.authService.enabled", true,
                "ambassador.authService.failureModeAllow", true,
                "ambassador.authService.timeoutMs", 300)
            .get("AuthService", "rel-ext-authz");

    assertThat(authService.getApiVersion()).isEqualTo("getambassador.io/v3alpha1");
    assertThat(authService.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(spec(authService))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "auth_service",
                "rel-ext-authz.shop:9001",
                "proto",
                "grpc",
                "protocol_version",
                "v3",
                "timeout_ms",
                300,
                "failure_mode_allow",
                true,
                "status_on_error",
                Map.of("code", 403)));
  }

  @Test
  void theHttpAuthServiceUsesTheHttpPortThePathPrefixAndTheHeaderLists() {
    GenericKubernetesResource authService =
        renderWithValues(
                """
                extAuthz: {httpPathPrefix: /extauth}
                ambassador:
                  namespace: emissary
                  ambassadorId: [edge]
                  authService:
                    enabled: true
                    proto: http
                    allowedRequestHeaders: [x-tenant]
                    allowedAuthorizationHeaders: [x-user-id]
                    addAuthHeaders: {x-from: emissary}
                    addLinkerdHeaders: true
                    includeBody: {enabled: true, maxBytes: 8192, allowPartial: false}
                    statsName: attache-authz
                """)
            .get("AuthService", "rel-ext-authz");

    assertThat(authService.getMetadata().getNamespace()).isEqualTo("emissary");
    assertThat(spec(authService))
        .containsEntry("auth_service", "rel-ext-authz.shop:9002")
        .containsEntry("proto", "http")
        .doesNotContainKey("protocol_version")
        .containsEntry("path_prefix", "/extauth")
        .containsEntry("ambassador_id", List.of("edge"))
        .containsEntry("allowed_request_headers", List.of("x-tenant"))
        .containsEntry("allowed_authorization_headers", List.of("x-user-id"))
        .containsEntry("add_auth_headers", Map.of("x-from", "emissary"))
        .containsEntry("add_linkerd_headers", true)
        .containsEntry("include_body", Map.of("max_bytes", 8192, "allow_partial", false))
        .containsEntry("stats_name", "attache-authz");
  }

  @Test
  void theRateLimitServiceSendsEmissaryToTheRateLimitServiceOverV3() {
    GenericKubernetesResource rateLimitService =
        render(
                "ambassador.rateLimitService.enabled", true,
                "ambassador.rateLimitService.domain", "edge",
                "ambassador.rateLimitService.failureModeDeny", true)
            .get("RateLimitService", "rel-ratelimit-service");

    assertThat(rateLimitService.getApiVersion()).isEqualTo("getambassador.io/v3alpha1");
    assertThat(spec(rateLimitService))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "service", "rel-ratelimit-service.shop:8081",
                "protocol_version", "v3",
                "domain", "edge",
                "timeout_ms", 20,
                "failure_mode_deny", true));
  }
}
