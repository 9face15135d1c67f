package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.GatewayReport;
import io.attache.controlplane.model.RouteKind;
import io.attache.controlplane.model.RouteStatus;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * GRPCRoutes on a Gateway, case by case after the Gateway API conformance suite (gateway-api {@code
 * conformance/tests}, cited per test by ShortName; the manifests are those tests', with the Gateway
 * and Services of its base manifests), plus the rules of apis/v1/grpcroute_types.go the suite does
 * not reach: precedence by service and method, the HTTPRoute/GRPCRoute hostname conflict,
 * UNAVAILABLE for a backend that does not resolve.
 */
class GrpcRouteTranslationTest {
  private static final String INFRA = "gateway-conformance-infra";
  private static final String SERVICE = "gateway_api_conformance.echo_basic.grpcecho.GrpcEcho";
  private static final String V1 = INFRA + "/grpc-infra-backend-v1:8080";
  private static final String V2 = INFRA + "/grpc-infra-backend-v2:8080";
  private static final String V3 = INFRA + "/grpc-infra-backend-v3:8080";
  private static final String BASE =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: same-namespace, namespace: gateway-conformance-infra}
      spec:
        gatewayClassName: attache
        listeners:
          - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Same}}}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: grpc-infra-backend-v1, namespace: gateway-conformance-infra}
      spec: {ports: [{port: 8080}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: grpc-infra-backend-v2, namespace: gateway-conformance-infra}
      spec: {ports: [{port: 8080}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: grpc-infra-backend-v3, namespace: gateway-conformance-infra}
      spec: {ports: [{port: 8080}]}
      """;

  private static ClusterState parse(String... documents) {
    return ConformanceManifests.parse(BASE, String.join("---\n", documents));
  }

  private static RouteConfiguration gatewayConfig(ClusterState state, String gateway) {
    return gatewayConfig(state, gateway, 80);
  }

  /** The base Gateway has port 80: another one gets its own port, as it would its own address. */
  private static RouteConfiguration gatewayConfig(ClusterState state, String gateway, int port) {
    return new Translator()
        .translate(state).routes().stream()
            .filter(r -> r.getName().equals(INFRA + "/" + gateway + ":" + port))
            .findFirst()
            .orElseThrow();
  }

  private static List<Route> routes(ClusterState state) {
    return gatewayConfig(state, "same-namespace").getVirtualHosts(0).getRoutesList();
  }

  private static Map<String, RouteStatus> statuses(ClusterState state) {
    return new RouteResolver()
        .resolve(state).statuses().stream()
            .collect(Collectors.toMap(RouteStatus::routeKey, s -> s, (a, b) -> a));
  }

  private static String grpcRoute(String name, String created, String hostnames, String rules) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: %s, namespace: gateway-conformance-infra, creationTimestamp: "%s"}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: %s
          rules: %s
        """
        .formatted(name, created, hostnames, rules);
  }

  private static String httpRoute(String name, String created, String hostnames) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %s, namespace: gateway-conformance-infra, creationTimestamp: "%s"}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: %s
          rules: [{backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]}]
        """
        .formatted(name, created, hostnames);
  }

  private static final String TO_V1 =
      "[{backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]}]";

  /** GRPCExactMethodMatching: each service/method pair to its own backend. */
  @Test
  void anExactServiceAndMethodIsAnExactPath() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: exact-matching, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: same-namespace}]
              rules:
              - matches: [{method: {service: %s, method: Echo}}]
                backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
              - matches: [{method: {service: %s, method: EchoTwo}}]
                backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]
            """
                .formatted(SERVICE, SERVICE));

    assertThat(routes(state))
        .extracting(r -> r.getMatch().getPath() + " -> " + r.getRoute().getCluster())
        .containsExactly("/" + SERVICE + "/EchoTwo -> " + V2, "/" + SERVICE + "/Echo -> " + V1);
    RouteStatus status = ConformanceManifests.firstStatus(state);
    assertThat(status.routeKey()).isEqualTo("GRPCRoute:" + INFRA + "/exact-matching");
    assertThat(status.accepted().status()).isTrue();
    assertThat(status.resolvedRefs().status()).isTrue();
  }

  /**
   * GRPCRouteHeaderMatching: header matches ANDed within a match, matches ORed; the rule with more
   * header matches first ("version: two" and "color: orange" goes to v1, "version: two" alone to
   * v2).
   */
  @Test
  void moreHeaderMatchesTakePrecedence() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: grpc-header-matching, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: same-namespace}]
              rules:
              - matches: [{headers: [{name: version, value: one}]}]
                backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
              - matches: [{headers: [{name: version, value: two}]}]
                backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]
              - matches: [{headers: [{name: version, value: two}, {name: color, value: orange}]}]
                backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
              - matches: [{headers: [{name: color, value: blue}]}, {headers: [{name: color, value: green}]}]
                backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
              - matches: [{headers: [{name: color, value: red}]}, {headers: [{name: color, value: yellow}]}]
                backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]
            """);

    assertThat(routes(state))
        .extracting(
            r ->
                r.getMatch().getHeadersList().stream()
                        .map(h -> h.getName() + "=" + h.getStringMatch().getExact())
                        .collect(Collectors.joining("&"))
                    + " -> "
                    + r.getRoute().getCluster())
        .containsExactly(
            "version=two&color=orange -> " + V1,
            "version=one -> " + V1,
            "version=two -> " + V2,
            "color=blue -> " + V1,
            "color=green -> " + V1,
            "color=red -> " + V2,
            "color=yellow -> " + V2);
    assertThat(routes(state)).allSatisfy(r -> assertThat(r.getMatch().getPrefix()).isEqualTo("/"));
  }

  /** GRPCRouteWeight: 70/30, and a weight of 0 takes nothing. */
  @Test
  void weightsSplitTraffic() {
    ClusterState state =
        parse(
            grpcRoute(
                "weighted-backends",
                "2026-01-01T00:00:00Z",
                "[]",
                """
                [{backendRefs: [{name: grpc-infra-backend-v1, port: 8080, weight: 70},
                  {name: grpc-infra-backend-v2, port: 8080, weight: 30},
                  {name: grpc-infra-backend-v3, port: 8080, weight: 0}]}]"""));

    assertThat(routes(state).get(0).getRoute().getWeightedClusters().getClustersList())
        .extracting(c -> c.getName() + "=" + c.getWeight().getValue())
        .containsExactly(V1 + "=70", V2 + "=30");
  }

  /** GRPCRouteListenerHostnameMatching: each route on the hosts of the listener it names. */
  @Test
  void routesServeTheHostnamesOfTheListenersTheyName() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: grpcroute-listener-hostname-matching, namespace: gateway-conformance-infra}
            spec:
              gatewayClassName: attache
              listeners:
              - {name: listener-1, port: 81, protocol: HTTP, hostname: bar.com}
              - {name: listener-2, port: 81, protocol: HTTP, hostname: foo.bar.com}
              - {name: listener-3, port: 81, protocol: HTTP, hostname: "*.bar.com"}
              - {name: listener-4, port: 81, protocol: HTTP, hostname: "*.foo.com"}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: backend-v1, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: grpcroute-listener-hostname-matching, sectionName: listener-1}]
              rules: [{backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: backend-v2, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: grpcroute-listener-hostname-matching, sectionName: listener-2}]
              rules: [{backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: backend-v3, namespace: gateway-conformance-infra}
            spec:
              parentRefs:
              - {name: grpcroute-listener-hostname-matching, sectionName: listener-3}
              - {name: grpcroute-listener-hostname-matching, sectionName: listener-4}
              rules: [{backendRefs: [{name: grpc-infra-backend-v3, port: 8080}]}]
            """);

    Map<String, String> clusterByDomain =
        gatewayConfig(state, "grpcroute-listener-hostname-matching", 81)
            .getVirtualHostsList()
            .stream()
            .collect(
                Collectors.toMap(
                    v -> String.join(",", v.getDomainsList()),
                    v -> v.getRoutes(0).getRoute().getCluster()));
    assertThat(clusterByDomain)
        .containsEntry("bar.com", V1)
        .containsEntry("foo.bar.com", V2)
        .containsEntry("*.bar.com", V3)
        .containsEntry("*.foo.com", V3);
  }

  /** GRPCRouteRequestHeaderModifier: set overwrites, add appends, remove drops. */
  @Test
  void requestHeaderModifiersApplyToTheRoute() {
    ClusterState state =
        parse(
            grpcRoute(
                "grpc-request-header-modifier",
                "2026-01-01T00:00:00Z",
                "[]",
                """
                [{matches: [{method: {service: %s, method: Echo}}],
                  filters: [{type: RequestHeaderModifier, requestHeaderModifier: {
                    set: [{name: X-Header-Set, value: set-overwrites-values}],
                    add: [{name: X-Header-Add, value: add-appends-values}],
                    remove: [X-Header-Remove]}}],
                  backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]}]"""
                    .formatted(SERVICE)));

    Route route = routes(state).get(0);
    assertThat(route.getRequestHeadersToAddList())
        .extracting(h -> h.getHeader().getKey() + ":" + h.getAppendAction())
        .containsExactly(
            "x-header-set:" + HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD,
            "x-header-add:" + HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD);
    assertThat(route.getRequestHeadersToRemoveList()).containsExactly("x-header-remove");
  }

  /**
   * apis/v1/grpcroute_types.go, GRPCRouteRule.matches: precedence to the most characters in the
   * service, then in the method; a service alone matches its every method, a method alone that
   * method of every service, and a regular expression is matched against the whole part.
   */
  @Test
  void precedenceGoesToTheLongerServiceThenTheLongerMethod() {
    ClusterState state =
        parse(
            grpcRoute(
                "precedence",
                "2026-01-01T00:00:00Z",
                "[]",
                """
                [{matches: [{method: {method: Echo}}], backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]},
                 {matches: [{method: {service: a.B}}], backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]},
                 {matches: [{method: {service: a.B, method: Echo}}], backendRefs: [{name: grpc-infra-backend-v3, port: 8080}]},
                 {matches: [{method: {type: RegularExpression, service: "a\\\\.[A-Z]+", method: "Get.*"}}],
                  backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]}]"""));

    assertThat(routes(state))
        .extracting(
            r ->
                (r.getMatch().hasSafeRegex()
                        ? "regex " + r.getMatch().getSafeRegex().getRegex()
                        : "path " + r.getMatch().getPath())
                    + " -> "
                    + r.getRoute().getCluster())
        .containsExactly(
            "regex /a\\.[A-Z]+/Get.* -> " + V1,
            "path /a.B/Echo -> " + V3,
            "regex /a\\.B/[^/]+ -> " + V2,
            "regex /[^/]+/Echo -> " + V1);
  }

  /**
   * apis/v1/grpcroute_types.go, GRPCRouteSpec.hostnames: an HTTPRoute and a GRPCRoute whose
   * hostnames intersect on one listener: exactly one is accepted, the older, the other is not.
   */
  @Test
  void ofAnHttpRouteAndAGrpcRouteSharingAHostnameTheOlderIsAccepted() {
    String older = "2026-01-01T00:00:00Z";
    String newer = "2026-02-01T00:00:00Z";
    ClusterState grpcOlder =
        parse(
            grpcRoute("grpc", older, "[api.example.com]", TO_V1),
            httpRoute("web", newer, "[\"*.example.com\"]"));
    ClusterState httpOlder =
        parse(
            grpcRoute("grpc", newer, "[api.example.com]", TO_V1),
            httpRoute("web", older, "[api.example.com]"));
    ClusterState apart =
        parse(
            grpcRoute("grpc", newer, "[api.example.com]", TO_V1),
            httpRoute("web", older, "[www.example.com]"));

    assertThat(statuses(grpcOlder).get("GRPCRoute:" + INFRA + "/grpc").accepted().status())
        .isTrue();
    RouteStatus refusedHttp = statuses(grpcOlder).get(INFRA + "/web");
    assertThat(refusedHttp.accepted().status()).isFalse();
    assertThat(refusedHttp.accepted().reason()).isEqualTo("NotAllowedByListeners");
    assertThat(refusedHttp.accepted().message()).startsWith("GRPCRoute " + INFRA + "/grpc is");
    assertThat(gatewayConfig(grpcOlder, "same-namespace").getVirtualHostsList())
        .extracting(v -> v.getDomains(0))
        .containsExactly("api.example.com");

    assertThat(statuses(httpOlder).get(INFRA + "/web").accepted().status()).isTrue();
    assertThat(statuses(httpOlder).get("GRPCRoute:" + INFRA + "/grpc").accepted().status())
        .isFalse();

    assertThat(statuses(apart).values()).allSatisfy(s -> assertThat(s.healthy()).isTrue());
    assertThat(gatewayConfig(apart, "same-namespace").getVirtualHostsList())
        .extracting(VirtualHost::getName)
        .hasSize(2);
  }

  /**
   * When an HTTPRoute change ends a conflict (or starts one), the GRPCRoute that did not change is
   * accepted (or refused) all the same: the translation from the one before equals a full one.
   */
  @Test
  void aConflictEndedByAChangeIsTranslatedAsAFullTranslationWould() {
    // "grpc" yields to "web" on api.example.com, and so is not on grpc.example.org either, where
    // "other" (unchanged too) is: when "web" moves away, "grpc" joins "other" there.
    String grpc =
        grpcRoute("grpc", "2026-02-01T00:00:00Z", "[api.example.com, grpc.example.org]", TO_V1);
    String other = grpcRoute("other", "2026-02-01T00:00:00Z", "[grpc.example.org]", TO_V1);
    ClusterState before =
        parse(grpc, other, httpRoute("web", "2026-01-01T00:00:00Z", "[\"*.example.com\"]"));
    ClusterState after =
        parse(grpc, other, httpRoute("web", "2026-01-01T00:00:00Z", "[www.example.net]"));
    Translator translator = new Translator();

    XdsResources ended = translator.translate(after, before, translator.translate(before));
    XdsResources started = translator.translate(before, after, translator.translate(after));

    assertThat(ended).isEqualTo(translator.translate(after));
    assertThat(started).isEqualTo(translator.translate(before));
    assertThat(statuses(after).values()).allSatisfy(s -> assertThat(s.healthy()).isTrue());
  }

  /** A GRPCRoute and an HTTPRoute may share a name: they are different objects. */
  @Test
  void aGrpcRouteAndAnHttpRouteOfTheSameNameAreBothServed() {
    ClusterState state =
        parse(
            grpcRoute("same", "2026-01-01T00:00:00Z", "[grpc.example.com]", TO_V1),
            httpRoute("same", "2026-01-01T00:00:00Z", "[www.example.com]"));

    assertThat(statuses(state)).containsOnlyKeys(INFRA + "/same", "GRPCRoute:" + INFRA + "/same");
    assertThat(statuses(state).values()).allSatisfy(s -> assertThat(s.healthy()).isTrue());
  }

  /**
   * apis/v1/grpcroute_types.go, GRPCRouteRule.backendRefs: requests for a backend that does not
   * resolve get UNAVAILABLE, which is what gRPC makes of Envoy's 503 for a cluster it does not have
   * (and what a proxyless client answers itself); in a split, that share does.
   */
  @Test
  void aBackendThatDoesNotResolveAnswersUnavailable() {
    ClusterState none =
        parse(
            grpcRoute(
                "missing",
                "2026-01-01T00:00:00Z",
                "[]",
                "[{backendRefs: [{name: nowhere, port: 8080}]}]"));
    ClusterState half =
        parse(
            grpcRoute(
                "half",
                "2026-01-01T00:00:00Z",
                "[]",
                "[{backendRefs: [{name: nowhere, port: 8080}, {name: grpc-infra-backend-v1,"
                    + " port: 8080}]}]"));

    RouteAction nowhere = routes(none).get(0).getRoute();
    assertThat(nowhere.getCluster()).isEqualTo(EnvoyRoutes.UNRESOLVED_BACKEND);
    assertThat(nowhere.getClusterNotFoundResponseCode())
        .isEqualTo(RouteAction.ClusterNotFoundResponseCode.SERVICE_UNAVAILABLE);
    assertThat(ConformanceManifests.firstStatus(none).resolvedRefs().reason())
        .isEqualTo("BackendNotFound");
    RouteAction split = routes(half).get(0).getRoute();
    assertThat(split.getWeightedClusters().getClustersList())
        .extracting(WeightedCluster.ClusterWeight::getName)
        .containsExactly(EnvoyRoutes.UNRESOLVED_BACKEND, V1);
    assertThat(split.getClusterNotFoundResponseCode())
        .isEqualTo(RouteAction.ClusterNotFoundResponseCode.SERVICE_UNAVAILABLE);
  }

  /**
   * A listener's allowedRoutes.kinds decides which kinds attach (NotAllowedByListeners otherwise),
   * and an HTTP listener lists both kinds in its supportedKinds by default.
   */
  @Test
  void aListenerCarriesTheKindsItsAllowedRoutesName() {
    String gateways =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: http-only, namespace: gateway-conformance-infra}
        spec:
          gatewayClassName: attache
          listeners:
          - {name: http, port: 81, protocol: HTTP, allowedRoutes: {kinds: [{kind: HTTPRoute}]}}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: refused, namespace: gateway-conformance-infra}
        spec:
          parentRefs: [{name: http-only}]
          rules: [{backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]}]
        """;
    ClusterState state = parse(gateways);

    RouteStatus refused = ConformanceManifests.firstStatus(state);
    assertThat(refused.accepted().reason()).isEqualTo("NotAllowedByListeners");
    assertThat(refused.accepted().message()).endsWith("do not allow GRPCRoutes");
    List<GatewayReport> reports =
        GatewayReports.of(state, new RouteResolver().resolve(state), List.of());
    assertThat(reports)
        .extracting(r -> r.gatewayKey() + " " + r.listeners().get(0).supportedKinds())
        .containsExactlyInAnyOrder(
            INFRA + "/http-only [" + RouteKind.HTTP + "]",
            INFRA + "/same-namespace [" + RouteKind.HTTP + ", " + RouteKind.GRPC + "]");
  }

  /**
   * ReferenceGrants name the kind they allow: a grant for HTTPRoutes does not let a GRPCRoute use a
   * Service of another namespace; one for GRPCRoutes does.
   */
  @Test
  void aCrossNamespaceBackendNeedsAGrantForGrpcRoutes() {
    String route =
        grpcRoute(
            "cross",
            "2026-01-01T00:00:00Z",
            "[]",
            "[{backendRefs: [{name: other, namespace: elsewhere, port: 8080}]}]");
    String service =
        """
        apiVersion: v1
        kind: Service
        metadata: {name: other, namespace: elsewhere}
        spec: {ports: [{port: 8080}]}
        """;
    String grantFor =
        """
        apiVersion: gateway.networking.k8s.io/v1beta1
        kind: ReferenceGrant
        metadata: {name: allow, namespace: elsewhere}
        spec:
          from: [{group: gateway.networking.k8s.io, kind: %s, namespace: gateway-conformance-infra}]
          to: [{group: "", kind: Service}]
        """;

    assertThat(
            ConformanceManifests.firstStatus(parse(route, service, grantFor.formatted("HTTPRoute")))
                .resolvedRefs()
                .reason())
        .isEqualTo("RefNotPermitted");
    assertThat(
            ConformanceManifests.firstStatus(parse(route, service, grantFor.formatted("GRPCRoute")))
                .resolvedRefs()
                .status())
        .isTrue();
  }

  /** A RequestMirror filter copies the calls of its rule to another backend, by fraction. */
  @Test
  void aMirrorCopiesCallsToAnotherBackend() {
    ClusterState state =
        parse(
            grpcRoute(
                "mirrored",
                "2026-01-01T00:00:00Z",
                "[]",
                """
                [{filters: [{type: RequestMirror, requestMirror: {
                    backendRef: {name: grpc-infra-backend-v2, port: 8080}, percent: 25}}],
                  backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]}]"""));

    RouteAction action = routes(state).get(0).getRoute();
    assertThat(action.getCluster()).isEqualTo(V1);
    assertThat(action.getRequestMirrorPoliciesList())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getCluster()).isEqualTo(V2);
              assertThat(m.getRuntimeFraction().getDefaultValue().getNumerator())
                  .isEqualTo(250_000);
            });
  }
}
