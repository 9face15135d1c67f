package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.RouteStatus;
import org.junit.jupiter.api.Test;

/**
 * {@code allowedRoutes.namespaces.from: Selector}, as the Gateway API conformance suite uses it
 * (gateway-api {@code conformance/base/manifests.yaml}: the {@code backend-namespaces} Gateway and
 * the labelled conformance namespaces; {@code HTTPRouteCrossNamespace}; {@code
 * GatewayWithAttachedRoutes}, which selects by the {@code kubernetes.io/metadata.name} label every
 * namespace has).
 */
class NamespaceSelectorTranslationTest {
  private static final String NAMESPACES =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: gateway-conformance-infra, labels: {gateway-conformance: infra}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: gateway-conformance-web-backend, labels: {gateway-conformance: backend}}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web-backend, namespace: gateway-conformance-web-backend}
      spec: {ports: [{port: 8080}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: infra-backend-v1, namespace: gateway-conformance-infra}
      spec: {ports: [{port: 8080}]}
      """;

  private static String gateway(String selector) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: backend-namespaces, namespace: gateway-conformance-infra}
        spec:
          gatewayClassName: attache
          listeners:
            - name: http
              port: 80
              protocol: HTTP
              allowedRoutes:
                namespaces:
                  from: Selector
                  selector: %s
        """
        .formatted(selector);
  }

  private static String route(String namespace, String backend) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: cross-namespace, namespace: %s}
        spec:
          parentRefs: [{name: backend-namespaces, namespace: gateway-conformance-infra}]
          rules: [{backendRefs: [{name: %s, port: 8080}]}]
        """
        .formatted(namespace, backend);
  }

  private static ClusterState parse(String... documents) {
    return ConformanceManifests.parse(documents);
  }

  private static RouteStatus status(ClusterState state) {
    return ConformanceManifests.firstStatus(state);
  }

  /** HTTPRouteCrossNamespace: a route in a namespace the selector matches attaches. */
  @Test
  void aRouteInASelectedNamespaceAttaches() {
    ClusterState state =
        parse(
            NAMESPACES,
            gateway("{matchLabels: {gateway-conformance: backend}}"),
            route("gateway-conformance-web-backend", "web-backend"));

    assertThat(status(state).accepted().status()).isTrue();
    assertThat(new Translator().translate(state).routes())
        .filteredOn(r -> r.getName().equals("gateway-conformance-infra/backend-namespaces:80"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getVirtualHosts(0).getRoutes(0).getRoute().getCluster())
                    .isEqualTo("gateway-conformance-web-backend/web-backend:8080"));
  }

  @Test
  void aRouteInANamespaceTheSelectorDoesNotMatchIsNotAllowedByListeners() {
    ClusterState state =
        parse(
            NAMESPACES,
            gateway("{matchLabels: {gateway-conformance: backend}}"),
            route("gateway-conformance-infra", "infra-backend-v1"));

    assertThat(status(state).accepted().status()).isFalse();
    assertThat(status(state).accepted().reason()).isEqualTo("NotAllowedByListeners");
  }

  /** GatewayWithAttachedRoutes selects by the name label, with no Namespace object needed. */
  @Test
  void theNameLabelSelectsANamespaceWithoutItsObject() {
    ClusterState state =
        parse(
            gateway("{matchLabels: {kubernetes.io/metadata.name: gateway-conformance-infra}}"),
            """
            apiVersion: v1
            kind: Service
            metadata: {name: infra-backend-v1, namespace: gateway-conformance-infra}
            spec: {ports: [{port: 8080}]}
            """,
            route("gateway-conformance-infra", "infra-backend-v1"));

    assertThat(state.namespaces()).isEmpty();
    assertThat(status(state).accepted().status()).isTrue();
  }

  @Test
  void matchExpressionsSelectToo() {
    String notInfra =
        "{matchExpressions: [{key: gateway-conformance, operator: NotIn, values: [infra]}]}";

    assertThat(
            status(
                    parse(
                        NAMESPACES,
                        gateway(notInfra),
                        route("gateway-conformance-web-backend", "web-backend")))
                .accepted()
                .status())
        .isTrue();
    assertThat(
            status(
                    parse(
                        NAMESPACES,
                        gateway(notInfra),
                        route("gateway-conformance-infra", "infra-backend-v1")))
                .accepted()
                .status())
        .isFalse();
  }
}
