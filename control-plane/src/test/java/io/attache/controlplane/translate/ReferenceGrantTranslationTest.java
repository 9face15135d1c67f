package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.TlsFixtures;
import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.RouteStatus;
import io.attache.controlplane.model.TlsSecret;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ReferenceGrants, case by case as the Gateway API conformance suite checks them (gateway-api
 * {@code conformance/tests}, cited per test by ShortName; the manifests are those tests', with the
 * Gateway and Services of its base manifests): a cross-namespace backend or certificate is used
 * only when a grant in its namespace allows it, else the route's ResolvedRefs is {@code
 * RefNotPermitted} and its requests are answered 500, or the listener is left out.
 */
class ReferenceGrantTranslationTest {
  private static final String INFRA = "gateway-conformance-infra";
  private static final String BASE =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: same-namespace, namespace: gateway-conformance-infra}
      spec:
        gatewayClassName: attache
        listeners: [{name: http, port: 80, protocol: HTTP}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web-backend, namespace: gateway-conformance-web-backend}
      spec: {ports: [{port: 8080}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: app-backend-v1, namespace: gateway-conformance-app-backend}
      spec: {ports: [{port: 8080}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: app-backend-v2, namespace: gateway-conformance-app-backend}
      spec: {ports: [{port: 8080}]}
      """;

  private static final String ROUTE_TO_WEB_BACKEND =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: reference-grant, namespace: gateway-conformance-infra}
      spec:
        parentRefs: [{name: same-namespace}]
        rules:
          - backendRefs:
              - {name: web-backend, namespace: gateway-conformance-web-backend, port: 8080}
      """;

  private static String grant(
      String namespace, String fromGroup, String fromKind, String fromNamespace, String to) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata: {name: grant-%s, namespace: %s}
        spec:
          from: [{group: "%s", kind: %s, namespace: %s}]
          to: [%s]
        """
        .formatted(
            Integer.toHexString((namespace + fromGroup + fromKind + fromNamespace + to).hashCode()),
            namespace,
            fromGroup,
            fromKind,
            fromNamespace,
            to);
  }

  private static ClusterState parse(String... documents) {
    return ConformanceManifests.parse(BASE, String.join("---\n", documents));
  }

  private static List<Route> gatewayRoutes(ClusterState state) {
    RouteConfiguration config =
        new Translator()
            .translate(state).routes().stream()
                .filter(r -> r.getName().equals(INFRA + "/same-namespace:80"))
                .findFirst()
                .orElseThrow();
    return config.getVirtualHosts(0).getRoutesList();
  }

  private static RouteStatus status(ClusterState state) {
    return ConformanceManifests.firstStatus(state);
  }

  /** HTTPRouteReferenceGrant: allowed, then withdrawn when the grant is deleted. */
  @Test
  void aGrantForTheServiceLetsTheRouteUseItAndItsRemovalWithdrawsIt() {
    ClusterState granted =
        parse(
            ROUTE_TO_WEB_BACKEND,
            grant(
                "gateway-conformance-web-backend",
                "gateway.networking.k8s.io",
                "HTTPRoute",
                INFRA,
                "{group: \"\", kind: Service, name: web-backend}"));
    ClusterState withdrawn = parse(ROUTE_TO_WEB_BACKEND);

    assertThat(status(granted).resolvedRefs().status()).isTrue();
    assertThat(gatewayRoutes(granted))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getRoute().getCluster())
                    .isEqualTo("gateway-conformance-web-backend/web-backend:8080"));
    assertThat(status(withdrawn).resolvedRefs().reason()).isEqualTo("RefNotPermitted");
    assertThat(gatewayRoutes(withdrawn))
        .singleElement()
        .satisfies(r -> assertThat(r.getDirectResponse().getStatus()).isEqualTo(500));
  }

  /** HTTPRouteInvalidReferenceGrant: each grant is wrong in one way, none of them allows it. */
  @Test
  void grantsWrongInNamespaceGroupKindOrNameAllowNothing() {
    String toWeb = "{group: \"\", kind: Service, name: web-backend}";
    String webNs = "gateway-conformance-web-backend";
    String gatewayApi = "gateway.networking.k8s.io";
    ClusterState state =
        parse(
            ROUTE_TO_WEB_BACKEND,
            grant(INFRA, gatewayApi, "HTTPRoute", INFRA, toWeb),
            grant(webNs, "not-the-group-youre-looking-for", "HTTPRoute", INFRA, toWeb),
            grant(webNs, gatewayApi, "Gateway", INFRA, toWeb),
            grant(webNs, gatewayApi, "HTTPRoute", "not-the-namespace-youre-looking-for", toWeb),
            grant(
                webNs,
                gatewayApi,
                "HTTPRoute",
                INFRA,
                "{group: not-the-group-youre-looking-for, kind: Service, name: web-backend}"),
            grant(webNs, gatewayApi, "HTTPRoute", INFRA, "{group: \"\", kind: Secret, name: web}"),
            grant(
                webNs,
                gatewayApi,
                "HTTPRoute",
                INFRA,
                "{group: \"\", kind: Service, name: not-the-service-youre-looking-for}"));

    assertThat(state.referenceGrants()).hasSize(7);
    assertThat(status(state).accepted().status()).isTrue();
    assertThat(status(state).resolvedRefs().reason()).isEqualTo("RefNotPermitted");
    assertThat(status(state).resolvedRefs().message())
        .contains("no ReferenceGrant in gateway-conformance-web-backend allows HTTPRoutes in");
    assertThat(gatewayRoutes(state))
        .singleElement()
        .satisfies(r -> assertThat(r.getDirectResponse().getStatus()).isEqualTo(500));
  }

  /**
   * HTTPRoutePartiallyInvalidViaInvalidReferenceGrant: the granted rule works, the other is 500.
   */
  @Test
  void aGrantForOneServiceLeavesItsSiblingRefused() {
    ClusterState state =
        parse(
            grant(
                "gateway-conformance-app-backend",
                "gateway.networking.k8s.io",
                "HTTPRoute",
                INFRA,
                "{group: \"\", kind: Service, name: app-backend-v1}"),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: invalid-reference-grant, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: same-namespace}]
              rules:
                - matches: [{path: {type: PathPrefix, value: /v2}}]
                  backendRefs:
                    - {name: app-backend-v2, namespace: gateway-conformance-app-backend, port: 8080}
                - backendRefs:
                    - {name: app-backend-v1, namespace: gateway-conformance-app-backend, port: 8080}
            """);

    assertThat(status(state).resolvedRefs().reason()).isEqualTo("RefNotPermitted");
    assertThat(gatewayRoutes(state))
        .extracting(
            r ->
                r.getMatch().getPath()
                    + r.getMatch().getPrefix()
                    + " -> "
                    + (r.hasDirectResponse()
                        ? r.getDirectResponse().getStatus()
                        : r.getRoute().getCluster()))
        .containsExactly(
            "/v2 -> 500",
            "/v2/ -> 500",
            "/ -> gateway-conformance-app-backend/app-backend-v1:8080");
  }

  /** A grant without a name in its {@code to} allows every Service of its namespace. */
  @Test
  void aGrantWithoutANameAllowsEveryServiceOfItsKind() {
    ClusterState state =
        parse(
            ROUTE_TO_WEB_BACKEND,
            grant(
                "gateway-conformance-web-backend",
                "gateway.networking.k8s.io",
                "HTTPRoute",
                INFRA,
                "{group: \"\", kind: Service}"));

    assertThat(status(state).resolvedRefs().status()).isTrue();
  }

  private static final String TLS_GATEWAY =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: gateway-secret, namespace: gateway-conformance-infra}
      spec:
        gatewayClassName: attache
        listeners:
          - name: https
            port: 443
            protocol: HTTPS
            allowedRoutes: {namespaces: {from: All}}
            tls:
              certificateRefs:
                - {group: "", kind: Secret, name: certificate, namespace: gateway-conformance-web-backend}
      """;

  private static List<GatewayTls.Problem> tlsProblems(String... grants) {
    ClusterState parsed = parse(TLS_GATEWAY + "---\n" + String.join("---\n", grants));
    ClusterState state =
        new ClusterState(
            parsed.services(),
            parsed.endpoints(),
            parsed.gateways(),
            parsed.httpRoutes(),
            parsed.trafficPolicies(),
            parsed.attachments(),
            List.of(
                new TlsSecret(
                    "gateway-conformance-web-backend",
                    "certificate",
                    TlsFixtures.RSA_CERT,
                    TlsFixtures.RSA_KEY)),
            parsed.referenceGrants(),
            parsed.namespaces());
    return GatewayTls.resolve(state).problems();
  }

  /** GatewaySecretReferenceGrantSpecific and GatewaySecretReferenceGrantAllInNamespace. */
  @Test
  void aGrantForTheSecretOrForAllSecretsLetsTheListenerServe() {
    assertThat(
            tlsProblems(
                grant(
                    "gateway-conformance-web-backend",
                    "gateway.networking.k8s.io",
                    "Gateway",
                    INFRA,
                    "{group: \"\", kind: Secret, name: certificate}")))
        .isEmpty();
    assertThat(
            tlsProblems(
                grant(
                    "gateway-conformance-web-backend",
                    "gateway.networking.k8s.io",
                    "Gateway",
                    INFRA,
                    "{group: \"\", kind: Secret}")))
        .isEmpty();
  }

  /** GatewaySecretMissingReferenceGrant and GatewaySecretInvalidReferenceGrant. */
  @Test
  void withoutAFittingGrantTheListenerIsRefNotPermitted() {
    String webNs = "gateway-conformance-web-backend";
    String toCertificate = "{group: \"\", kind: Secret, name: certificate}";
    assertThat(tlsProblems())
        .singleElement()
        .satisfies(p -> assertThat(p.reason()).isEqualTo("RefNotPermitted"));
    assertThat(
            tlsProblems(
                grant(
                    "gateway-conformance-app-backend",
                    "gateway.networking.k8s.io",
                    "Gateway",
                    INFRA,
                    toCertificate),
                grant(webNs, "not-the-group-youre-looking-for", "Gateway", INFRA, toCertificate),
                grant(webNs, "gateway.networking.k8s.io", "HTTPRoute", INFRA, toCertificate),
                grant(
                    webNs,
                    "gateway.networking.k8s.io",
                    "Gateway",
                    "not-the-namespace-youre-looking-for",
                    toCertificate),
                grant(
                    webNs,
                    "gateway.networking.k8s.io",
                    "Gateway",
                    INFRA,
                    "{group: \"\", kind: Service, name: certificate}"),
                grant(
                    webNs,
                    "gateway.networking.k8s.io",
                    "Gateway",
                    INFRA,
                    "{group: \"\", kind: Secret, name: not-the-certificate}")))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.reason()).isEqualTo("RefNotPermitted");
              assertThat(p.field()).isEqualTo("spec.listeners[0].tls.certificateRefs[0]");
            });
  }
}
