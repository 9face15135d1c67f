package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.RouteStatus;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HTTPRoutes on a Gateway, case by case after the Gateway API conformance suite's core tests
 * (gateway-api {@code conformance/tests}, cited per test by ShortName; the manifests are those
 * tests', with the Gateway and Services of its base manifests). Where the suite sends requests,
 * these read the Envoy routes that would answer them: which match takes a path, which cluster it
 * goes to, and which status Envoy answers by itself.
 */
class HttpRouteConformanceTest {
  private static final String INFRA = "gateway-conformance-infra";
  private static final String V1 = INFRA + "/infra-backend-v1:8080";
  private static final String V2 = INFRA + "/infra-backend-v2:8080";
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
      metadata: {name: infra-backend-v1, namespace: gateway-conformance-infra}
      spec: {ports: [{port: 8080}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: infra-backend-v2, namespace: gateway-conformance-infra}
      spec: {ports: [{port: 8080}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: infra-backend-v3, namespace: gateway-conformance-infra}
      spec: {ports: [{port: 8080}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web-backend, namespace: gateway-conformance-web-backend}
      spec: {ports: [{port: 8080}]}
      """;

  private static ClusterState parse(String route) {
    return ConformanceManifests.parse(BASE, route);
  }

  private static List<Route> routes(ClusterState state) {
    RouteConfiguration config =
        new Translator()
            .translate(state).routes().stream()
                .filter(r -> r.getName().equals(INFRA + "/same-namespace:80"))
                .findFirst()
                .orElseThrow();
    return config.getVirtualHostsCount() == 0
        ? List.of()
        : config.getVirtualHosts(0).getRoutesList();
  }

  /** What a route does: its cluster, or the status Envoy answers. */
  private static String target(Route route) {
    return route.hasDirectResponse()
        ? "answer " + route.getDirectResponse().getStatus()
        : route.getRoute().getCluster();
  }

  private static String match(Route route) {
    return route.getMatch().hasPrefix()
        ? "prefix " + route.getMatch().getPrefix()
        : "path " + route.getMatch().getPath();
  }

  /** HTTPRouteSimpleSameNamespace: a rule without matches takes every path to its backend. */
  @Test
  void httpRouteSimpleSameNamespace() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: gateway-conformance-infra-test, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: same-namespace}]
              rules: [{backendRefs: [{name: infra-backend-v1, port: 8080}]}]
            """);

    assertThat(routes(state))
        .extracting(r -> match(r) + " -> " + target(r))
        .containsExactly("prefix / -> " + V1);
    assertThat(ConformanceManifests.firstStatus(state).healthy()).isTrue();
  }

  /**
   * HTTPRouteExactPathMatching: /one and /two each to their backend, and nothing else matches (so
   * /, /one/example, /two/ and /Two get Envoy's 404).
   */
  @Test
  void httpRouteExactPathMatching() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: exact-matching, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: same-namespace}]
              rules:
              - matches: [{path: {type: Exact, value: /one}}]
                backendRefs: [{name: infra-backend-v1, port: 8080}]
              - matches: [{path: {type: Exact, value: /two}}]
                backendRefs: [{name: infra-backend-v2, port: 8080}]
            """);

    assertThat(routes(state))
        .extracting(r -> match(r) + " -> " + target(r))
        .containsExactly("path /one -> " + V1, "path /two -> " + V2);
  }

  /** HTTPRouteWeight: 70/30, and the backend of weight 0 gets nothing. */
  @Test
  void httpRouteWeight() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: weighted-backends, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: same-namespace}]
              rules:
              - backendRefs:
                - {name: infra-backend-v1, port: 8080, weight: 70}
                - {name: infra-backend-v2, port: 8080, weight: 30}
                - {name: infra-backend-v3, port: 8080, weight: 0}
            """);

    assertThat(routes(state).get(0).getRoute().getWeightedClusters().getClustersList())
        .extracting(c -> c.getName() + "=" + c.getWeight().getValue())
        .containsExactly(V1 + "=70", V2 + "=30");
  }

  /** HTTPRouteNoBackendRefs: rules with omitted or empty backendRefs answer 500. */
  @Test
  void httpRouteNoBackendRefs() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: omitted-backendrefs, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: same-namespace}]
              rules:
              - matches: [{path: {type: Exact, value: /omitted-no-forward}}]
              - matches: [{path: {type: Exact, value: /empty-no-forward}}]
                backendRefs: []
              - matches: [{path: {type: PathPrefix, value: /}}]
                backendRefs: [{name: infra-backend-v1, port: 8080}]
            """);

    assertThat(routes(state))
        .extracting(r -> match(r) + " -> " + target(r))
        .containsExactly(
            "path /omitted-no-forward -> answer 500",
            "path /empty-no-forward -> answer 500",
            "prefix / -> " + V1);
  }

  /**
   * HTTPRouteInvalidNonExistentBackendRef (BackendNotFound) and
   * HTTPRouteInvalidCrossNamespaceBackendRef (RefNotPermitted, no ReferenceGrant): the route is
   * accepted, ResolvedRefs says why, and its requests are answered 500.
   */
  @Test
  void httpRouteInvalidBackendRefs() {
    for (String[] backend :
        List.of(
            new String[] {"nonexistent", INFRA, "BackendNotFound"},
            new String[] {"web-backend", "gateway-conformance-web-backend", "RefNotPermitted"})) {
      ClusterState state =
          parse(
              """
              apiVersion: gateway.networking.k8s.io/v1
              kind: HTTPRoute
              metadata: {name: invalid-backend-ref, namespace: gateway-conformance-infra}
              spec:
                parentRefs: [{name: same-namespace}]
                rules: [{backendRefs: [{name: %s, namespace: %s, port: 8080}]}]
              """
                  .formatted(backend[0], backend[1]));

      RouteStatus status = ConformanceManifests.firstStatus(state);
      assertThat(status.accepted().status()).isTrue();
      assertThat(status.resolvedRefs().reason()).isEqualTo(backend[2]);
      assertThat(routes(state))
          .extracting(HttpRouteConformanceTest::target)
          .containsExactly("answer 500");
    }
  }

  /**
   * HTTPRouteInvalidParentRefNotMatchingSectionName: a sectionName no listener has is
   * NoMatchingParent, and nothing is served.
   */
  @Test
  void httpRouteInvalidParentRefNotMatchingSectionName() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: httproute-listener-not-matching-section-name, namespace: gateway-conformance-infra}
            spec:
              parentRefs:
              - {name: same-namespace, namespace: gateway-conformance-infra, port: 80, sectionName: http1}
              rules: [{backendRefs: [{name: infra-backend-v1, kind: Service, port: 8080}]}]
            """);

    RouteStatus status = ConformanceManifests.firstStatus(state);
    assertThat(status.accepted().status()).isFalse();
    assertThat(status.accepted().reason()).isEqualTo("NoMatchingParent");
    assertThat(routes(state)).isEmpty();
  }

  private static final String V3 = INFRA + "/infra-backend-v3:8080";

  /** The {@code name=value} headers of a request written as words, from word {@code from}. */
  private static java.util.Map<String, String> headers(String[] words, int from) {
    java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    for (int i = from; i < words.length; i++) {
      String[] header = words[i].split("=", 2);
      headers.put(header[0], header[1]);
    }
    return headers;
  }

  /** Where each request goes: {@code path [header=value ...] -> target}. */
  private static List<String> replay(ClusterState state, List<String> requests) {
    List<Route> routes = routes(state);
    return requests.stream()
        .map(
            request -> {
              String[] parts = request.split(" ");
              return request
                  + " -> "
                  + EnvoyRouteMatching.target(routes, parts[0], headers(parts, 1));
            })
        .toList();
  }

  /**
   * HTTPRouteMatching: a path prefix or a header match per match, ORed; /v2 is a whole segment
   * (/v2example and /foo/v2/example go to v1).
   */
  @Test
  void httpRouteMatching() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: matching, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: same-namespace}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /}}, {headers: [{name: version, value: one}]}]
                backendRefs: [{name: infra-backend-v1, port: 8080}]
              - matches: [{path: {type: PathPrefix, value: /v2}}, {headers: [{name: version, value: two}]}]
                backendRefs: [{name: infra-backend-v2, port: 8080}]
            """);

    assertThat(
            replay(
                state,
                List.of(
                    "/",
                    "/example",
                    "/ Version=one",
                    "/v2",
                    "/v2/example",
                    "/ Version=two",
                    "/v2/",
                    "/v2example",
                    "/foo/v2/example")))
        .containsExactly(
            "/ -> " + V1,
            "/example -> " + V1,
            "/ Version=one -> " + V1,
            "/v2 -> " + V2,
            "/v2/example -> " + V2,
            "/ Version=two -> " + V2,
            "/v2/ -> " + V2,
            "/v2example -> " + V1,
            "/foo/v2/example -> " + V1);
  }

  /**
   * HTTPRouteHeaderMatching: header matches ANDed within a match, matches ORed, more header matches
   * first, then rule order; a request no rule matches gets Envoy's 404.
   */
  @Test
  void httpRouteHeaderMatching() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: header-matching, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: same-namespace}]
              rules:
              - matches: [{headers: [{name: version, value: one}]}]
                backendRefs: [{name: infra-backend-v1, port: 8080}]
              - matches: [{headers: [{name: version, value: two}]}]
                backendRefs: [{name: infra-backend-v2, port: 8080}]
              - matches: [{headers: [{name: version, value: two}, {name: color, value: orange}]}]
                backendRefs: [{name: infra-backend-v1, port: 8080}]
              - matches: [{headers: [{name: color, value: blue}]}, {headers: [{name: color, value: green}]}]
                backendRefs: [{name: infra-backend-v1, port: 8080}]
              - matches: [{headers: [{name: color, value: red}]}, {headers: [{name: color, value: yellow}]}]
                backendRefs: [{name: infra-backend-v2, port: 8080}]
            """);

    assertThat(
            replay(
                state,
                List.of(
                    "/ Version=one",
                    "/ Version=two",
                    "/ Version=two Color=orange",
                    "/ Version=two Color=blue",
                    "/ Color=orange",
                    "/ Some-Other-Header=one",
                    "/ Color=blue",
                    "/ Color=green",
                    "/ Color=red",
                    "/ Color=yellow",
                    "/ Color=purple")))
        .containsExactly(
            "/ Version=one -> " + V1,
            "/ Version=two -> " + V2,
            "/ Version=two Color=orange -> " + V1,
            "/ Version=two Color=blue -> " + V2,
            "/ Color=orange -> 404",
            "/ Some-Other-Header=one -> 404",
            "/ Color=blue -> " + V1,
            "/ Color=green -> " + V1,
            "/ Color=red -> " + V2,
            "/ Color=yellow -> " + V2,
            "/ Color=purple -> 404");
  }

  /** HTTPRoutePathMatchOrder: exact paths first, then the longest prefix. */
  @Test
  void httpRoutePathMatchOrder() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: path-matching-order, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: same-namespace}]
              rules:
              - matches: [{path: {type: Exact, value: /match}}]
                backendRefs: [{name: infra-backend-v1, port: 8080}]
              - matches: [{path: {type: Exact, value: /match/exact}}]
                backendRefs: [{name: infra-backend-v2, port: 8080}]
              - matches: [{path: {type: Exact, value: /match/exact/one}}]
                backendRefs: [{name: infra-backend-v3, port: 8080}]
              - matches: [{path: {type: PathPrefix, value: /match/}}]
                backendRefs: [{name: infra-backend-v3, port: 8080}]
              - matches: [{path: {type: PathPrefix, value: /match/prefix/}}]
                backendRefs: [{name: infra-backend-v1, port: 8080}]
              - matches: [{path: {type: PathPrefix, value: /match/prefix/one}}]
                backendRefs: [{name: infra-backend-v2, port: 8080}]
            """);

    assertThat(
            replay(
                state,
                List.of(
                    "/match/exact/one",
                    "/match/exact",
                    "/match",
                    "/match/prefix/one/any",
                    "/match/prefix/any",
                    "/match/any")))
        .containsExactly(
            "/match/exact/one -> " + V3,
            "/match/exact -> " + V2,
            "/match -> " + V1,
            "/match/prefix/one/any -> " + V2,
            "/match/prefix/any -> " + V1,
            "/match/any -> " + V3);
  }

  /** Where each {@code host path [header=value ...]} request goes through {@code config}. */
  private static List<String> replayHosts(RouteConfiguration config, List<String> requests) {
    return requests.stream()
        .map(
            request -> {
              String[] parts = request.split(" ");
              return request
                  + " -> "
                  + EnvoyRouteMatching.target(config, parts[0], parts[1], headers(parts, 2));
            })
        .toList();
  }

  private static RouteConfiguration config(ClusterState state, String name) {
    return new Translator()
        .translate(state).routes().stream()
            .filter(r -> r.getName().equals(name))
            .findFirst()
            .orElseThrow();
  }

  /**
   * HTTPRouteMatchingAcrossRoutes: two routes' rules for example.com merge in one host, by
   * precedence; example.net has only the first route's.
   */
  @Test
  void httpRouteMatchingAcrossRoutes() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: matching-part1, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: same-namespace}]
              hostnames: [example.com, example.net]
              rules:
              - matches: [{path: {type: PathPrefix, value: /}}, {headers: [{name: version, value: one}]}]
                backendRefs: [{name: infra-backend-v1, port: 8080}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: matching-part2, namespace: gateway-conformance-infra}
            spec:
              hostnames: [example.com]
              parentRefs: [{name: same-namespace}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /v2}}, {headers: [{name: version, value: two}]}]
                backendRefs: [{name: infra-backend-v2, port: 8080}]
            """);

    assertThat(
            replayHosts(
                config(state, INFRA + "/same-namespace:80"),
                List.of(
                    "example.com /",
                    "example.com /example",
                    "example.net /example",
                    "example.com /example Version=one",
                    "example.com /v2",
                    "example.net /v2",
                    "example.com /v2/example",
                    "example.com / Version=two")))
        .containsExactly(
            "example.com / -> " + V1,
            "example.com /example -> " + V1,
            "example.net /example -> " + V1,
            "example.com /example Version=one -> " + V1,
            "example.com /v2 -> " + V2,
            "example.net /v2 -> " + V1,
            "example.com /v2/example -> " + V2,
            "example.com / Version=two -> " + V2);
  }

  /**
   * HTTPRouteListenerHostnameMatching: each route serves the hostname of the listener it names; a
   * wildcard listener covers every deeper name, and a host no listener has gets 404.
   */
  @Test
  void httpRouteListenerHostnameMatching() {
    String route =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %s, namespace: gateway-conformance-infra}
        spec:
          parentRefs: [%s]
          rules: [{backendRefs: [{name: %s, port: 8080}]}]
        """;
    String parent = "{name: httproute-listener-hostname-matching, sectionName: %s}";
    ClusterState state =
        parse(
            String.join(
                "---\n",
                """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: httproute-listener-hostname-matching, namespace: gateway-conformance-infra}
                spec:
                  gatewayClassName: attache
                  listeners:
                  - {name: listener-1, port: 81, protocol: HTTP, hostname: bar.com}
                  - {name: listener-2, port: 81, protocol: HTTP, hostname: foo.bar.com}
                  - {name: listener-3, port: 81, protocol: HTTP, hostname: "*.bar.com"}
                  - {name: listener-4, port: 81, protocol: HTTP, hostname: "*.foo.com"}
                """,
                route.formatted("backend-v1", parent.formatted("listener-1"), "infra-backend-v1"),
                route.formatted("backend-v2", parent.formatted("listener-2"), "infra-backend-v2"),
                route.formatted(
                    "backend-v3",
                    parent.formatted("listener-3") + ", " + parent.formatted("listener-4"),
                    "infra-backend-v3")));

    assertThat(
            replayHosts(
                config(state, INFRA + "/httproute-listener-hostname-matching:81"),
                List.of(
                    "bar.com /",
                    "foo.bar.com /",
                    "baz.bar.com /",
                    "boo.bar.com /",
                    "multiple.prefixes.bar.com /",
                    "multiple.prefixes.foo.com /",
                    "foo.com /",
                    "no.matching.host /")))
        .containsExactly(
            "bar.com / -> " + V1,
            "foo.bar.com / -> " + V2,
            "baz.bar.com / -> " + V3,
            "boo.bar.com / -> " + V3,
            "multiple.prefixes.bar.com / -> " + V3,
            "multiple.prefixes.foo.com / -> " + V3,
            "foo.com / -> 404",
            "no.matching.host / -> 404");
  }

  /**
   * HTTPRouteInvalidCrossNamespaceParentRef: a route in another namespace than a Gateway whose
   * listener allows routes from its own namespace only is NotAllowedByListeners.
   */
  @Test
  void httpRouteInvalidCrossNamespaceParentRef() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: invalid-cross-namespace-parent-ref, namespace: gateway-conformance-web-backend}
            spec:
              parentRefs: [{name: same-namespace, namespace: gateway-conformance-infra}]
              rules: [{backendRefs: [{name: web-backend, port: 8080}]}]
            """);

    RouteStatus status = ConformanceManifests.firstStatus(state);
    assertThat(status.accepted().status()).isFalse();
    assertThat(status.accepted().reason()).isEqualTo("NotAllowedByListeners");
    assertThat(routes(state)).isEmpty();
  }

  /**
   * HTTPRouteMultipleGateways: a route shared by two Gateways is served by both, beside each one's
   * own route.
   */
  @Test
  void httpRouteMultipleGateways() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: all-namespaces, namespace: gateway-conformance-infra}
            spec:
              gatewayClassName: attache
              listeners: [{name: http, port: 81, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: multiple-gateways-shared-route, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: same-namespace}, {name: all-namespaces}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /shared}}]
                backendRefs: [{name: infra-backend-v1, port: 8080}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: same-namespace-dedicated-route, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: same-namespace}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /}}]
                backendRefs: [{name: infra-backend-v2, port: 8080}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: all-namespaces-dedicated-route, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: all-namespaces}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /}}]
                backendRefs: [{name: infra-backend-v3, port: 8080}]
            """);

    assertThat(
            replayHosts(
                config(state, INFRA + "/same-namespace:80"),
                List.of("any.host /shared", "any.host /")))
        .containsExactly("any.host /shared -> " + V1, "any.host / -> " + V2);
    assertThat(
            replayHosts(
                config(state, INFRA + "/all-namespaces:81"),
                List.of("any.host /shared", "any.host /")))
        .containsExactly("any.host /shared -> " + V1, "any.host / -> " + V3);
  }

  /**
   * HTTPRouteRequestHeaderModifier: set overwrites, add appends, remove drops, each on the rule's
   * route; several at once on one.
   */
  @Test
  void httpRouteRequestHeaderModifier() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: request-header-modifier, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: same-namespace}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /set}}]
                filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Header-Set, value: set-overwrites-values}]}}]
                backendRefs: [{name: infra-backend-v1, port: 8080}]
              - matches: [{path: {type: PathPrefix, value: /add}}]
                filters: [{type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: X-Header-Add, value: add-appends-values}]}}]
                backendRefs: [{name: infra-backend-v1, port: 8080}]
              - matches: [{path: {type: PathPrefix, value: /remove}}]
                filters: [{type: RequestHeaderModifier, requestHeaderModifier: {remove: [X-Header-Remove]}}]
                backendRefs: [{name: infra-backend-v1, port: 8080}]
              - matches: [{path: {type: PathPrefix, value: /multiple}}]
                filters:
                - type: RequestHeaderModifier
                  requestHeaderModifier:
                    set: [{name: X-Header-Set-1, value: header-set-1}, {name: X-Header-Set-2, value: header-set-2}]
                    add: [{name: X-Header-Add-1, value: header-add-1}]
                    remove: [X-Header-Remove-1]
                backendRefs: [{name: infra-backend-v1, port: 8080}]
            """);

    java.util.Map<String, String> byPath = new java.util.TreeMap<>();
    for (Route route : routes(state)) {
      if (route.getMatch().hasPath()) {
        byPath.put(
            route.getMatch().getPath(),
            route.getRequestHeadersToAddList().stream()
                    .map(
                        h ->
                            h.getHeader().getKey()
                                + "="
                                + h.getHeader().getValue()
                                + (h.getAppendAction()
                                        == io.envoyproxy.envoy.config.core.v3.HeaderValueOption
                                            .HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD
                                    ? " (add)"
                                    : " (set)"))
                    .toList()
                + " -"
                + route.getRequestHeadersToRemoveList());
      }
    }
    assertThat(byPath)
        .containsEntry("/set", "[x-header-set=set-overwrites-values (set)] -[]")
        .containsEntry("/add", "[x-header-add=add-appends-values (add)] -[]")
        .containsEntry("/remove", "[] -[x-header-remove]")
        .containsEntry(
            "/multiple",
            "[x-header-set-1=header-set-1 (set), x-header-set-2=header-set-2 (set),"
                + " x-header-add-1=header-add-1 (add)] -[x-header-remove-1]");
  }

  /** HTTPRouteRedirectHostAndStatus: a redirect to another host, 302 unless the rule says 301. */
  @Test
  void httpRouteRedirectHostAndStatus() {
    ClusterState state =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: redirect-host-and-status, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: same-namespace}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /hostname-redirect}}]
                filters: [{type: RequestRedirect, requestRedirect: {hostname: example.org}}]
              - matches: [{path: {type: PathPrefix, value: /host-and-status}}]
                filters: [{type: RequestRedirect, requestRedirect: {statusCode: 301, hostname: example.org}}]
            """);

    for (String[] request :
        List.of(
            new String[] {"/hostname-redirect", "FOUND"},
            new String[] {"/host-and-status", "MOVED_PERMANENTLY"})) {
      Route route =
          EnvoyRouteMatching.route(routes(state), request[0], java.util.Map.of()).orElseThrow();
      assertThat(route.getRedirect().getHostRedirect()).isEqualTo("example.org");
      assertThat(route.getRedirect().getResponseCode().name()).isEqualTo(request[1]);
    }
  }

  /**
   * GatewayNameMaximumLength: a Gateway with a 253-character name is served like any other (its
   * resources pass the Envoy API's rules, which every translation test checks).
   */
  @Test
  void gatewayNameMaximumLength() {
    String name = "gateway-name-maximum-length-" + "a".repeat(253 - 28);
    ClusterState state =
        ConformanceManifests.parse(
            BASE.replace("name: same-namespace,", "name: " + name + ","),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: %s}]
              rules: [{backendRefs: [{name: infra-backend-v1, port: 8080}]}]
            """
                .formatted(name));

    assertThat(name).hasSize(253);
    assertThat(ConformanceManifests.firstStatus(state).healthy()).isTrue();
    assertThat(config(state, INFRA + "/" + name + ":80").getVirtualHostsCount()).isEqualTo(1);
  }

  /**
   * HTTPRouteHostnameIntersection: a route serves the intersection of its hostnames with each
   * listener's (specific or wildcard on either side); a route whose hostnames meet none is
   * NoMatchingListenerHostname. The connection manager strips the port from the Host ({@code
   * very.specific.com:1234}).
   */
  @Test
  void httpRouteHostnameIntersection() throws Exception {
    String route =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %s, namespace: gateway-conformance-infra}
        spec:
          parentRefs: [{name: httproute-hostname-intersection}]
          hostnames: %s
          rules:
          - matches: [{path: {type: PathPrefix, value: %s}}]
            backendRefs: [{name: %s, port: 8080}]
        """;
    ClusterState state =
        parse(
            String.join(
                "---\n",
                """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: httproute-hostname-intersection, namespace: gateway-conformance-infra}
                spec:
                  gatewayClassName: attache
                  listeners:
                  - {name: listener-1, port: 81, protocol: HTTP, hostname: very.specific.com}
                  - {name: listener-2, port: 81, protocol: HTTP, hostname: "*.wildcard.io"}
                  - {name: listener-3, port: 81, protocol: HTTP, hostname: "*.anotherwildcard.io"}
                """,
                route.formatted(
                    "specific-host-matches-listener-specific-host",
                    "[non.matching.com, \"*.nonmatchingwildcard.io\", very.specific.com]",
                    "/s1",
                    "infra-backend-v1"),
                route.formatted(
                    "specific-host-matches-listener-wildcard-host",
                    "[non.matching.com, wildcard.io, foo.wildcard.io, bar.wildcard.io,"
                        + " foo.bar.wildcard.io]",
                    "/s2",
                    "infra-backend-v2"),
                route.formatted(
                    "wildcard-host-matches-listener-specific-host",
                    "[non.matching.com, \"*.specific.com\"]",
                    "/s3",
                    "infra-backend-v3"),
                route.formatted(
                    "wildcard-host-matches-listener-wildcard-host",
                    "[\"*.anotherwildcard.io\"]",
                    "/s4",
                    "infra-backend-v1"),
                route.formatted(
                    "no-intersecting-hosts",
                    "[specific.but.wrong.com, wildcard.io]",
                    "/s5",
                    "infra-backend-v2")));

    assertThat(
            new RouteResolver()
                .resolve(state).statuses().stream()
                    .map(
                        s ->
                            s.routeKey().substring(INFRA.length() + 1)
                                + " "
                                + s.accepted().reason())
                    .toList())
        .containsExactly(
            "specific-host-matches-listener-specific-host Accepted",
            "specific-host-matches-listener-wildcard-host Accepted",
            "wildcard-host-matches-listener-specific-host Accepted",
            "wildcard-host-matches-listener-wildcard-host Accepted",
            "no-intersecting-hosts NoMatchingListenerHostname");
    List<String> requests =
        List.of(
            "very.specific.com /s1",
            "very.specific.com:1234 /s1",
            "non.matching.com /s1",
            "foo.nonmatchingwildcard.io /s1",
            "foo.wildcard.io /s1",
            "very.specific.com /non-matching-prefix",
            "foo.wildcard.io /s2",
            "bar.wildcard.io /s2",
            "foo.bar.wildcard.io /s2",
            "non.matching.com /s2",
            "wildcard.io /s2",
            "very.specific.com /s2",
            "very.specific.com /s3",
            "non.matching.com /s3",
            "foo.specific.com /s3",
            "foo.wildcard.io /s3",
            "foo.anotherwildcard.io /s4",
            "bar.anotherwildcard.io /s4",
            "foo.bar.anotherwildcard.io /s4",
            "anotherwildcard.io /s4",
            "foo.wildcard.io /s4",
            "very.specific.com /s4",
            "specific.but.wrong.com /s5",
            "wildcard.io /s5");
    RouteConfiguration config = config(state, INFRA + "/httproute-hostname-intersection:81");
    assertThat(
            replayHosts(
                config,
                requests.stream()
                    .map(r -> r.replace(":1234", "")) // strip_any_host_port, as Envoy would
                    .toList()))
        .containsExactly(
            "very.specific.com /s1 -> " + V1,
            "very.specific.com /s1 -> " + V1,
            "non.matching.com /s1 -> 404",
            "foo.nonmatchingwildcard.io /s1 -> 404",
            "foo.wildcard.io /s1 -> 404",
            "very.specific.com /non-matching-prefix -> 404",
            "foo.wildcard.io /s2 -> " + V2,
            "bar.wildcard.io /s2 -> " + V2,
            "foo.bar.wildcard.io /s2 -> " + V2,
            "non.matching.com /s2 -> 404",
            "wildcard.io /s2 -> 404",
            "very.specific.com /s2 -> 404",
            "very.specific.com /s3 -> " + V3,
            "non.matching.com /s3 -> 404",
            "foo.specific.com /s3 -> 404",
            "foo.wildcard.io /s3 -> 404",
            "foo.anotherwildcard.io /s4 -> " + V1,
            "bar.anotherwildcard.io /s4 -> " + V1,
            "foo.bar.anotherwildcard.io /s4 -> " + V1,
            "anotherwildcard.io /s4 -> 404",
            "foo.wildcard.io /s4 -> 404",
            "very.specific.com /s4 -> 404",
            "specific.but.wrong.com /s5 -> 404",
            "wildcard.io /s5 -> 404");
    assertThat(config.getName()).isNotEmpty();
    assertThat(
            new Translator()
                .translate(state).listeners().stream()
                    .filter(l -> l.getName().equals(INFRA + "/httproute-hostname-intersection:81"))
                    .findFirst()
                    .orElseThrow()
                    .getFilterChains(0)
                    .getFilters(0)
                    .getTypedConfig()
                    .unpack(
                        io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3
                            .HttpConnectionManager.class)
                    .getStripAnyHostPort())
        .isTrue();
  }

  /**
   * HTTPRouteHTTPSListener: routes on the base manifests' HTTPS Gateway (four listeners on 443, one
   * certificate) serve example.org through the listener without hostname and second-example.org
   * through the one of that name; another host gets 404; each listener is a TLS filter chain chosen
   * by SNI.
   */
  @Test
  void httpRouteHttpsListener() {
    String listener =
        """
          - name: %s
            port: 443
            protocol: HTTPS
            %s
            allowedRoutes: {namespaces: {from: Same}}
            tls: {certificateRefs: [{group: "", kind: Secret, name: tls-validity-checks-certificate, namespace: gateway-conformance-infra}]}
        """;
    ClusterState state =
        parse(
            String.join(
                "---\n",
                """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: same-namespace-with-https-listener, namespace: gateway-conformance-infra}
                spec:
                  gatewayClassName: attache
                  listeners:
                """
                    + listener.formatted("https", "")
                    + listener.formatted("https-with-hostname", "hostname: second-example.org")
                    + listener.formatted(
                        "https-with-wildcard-hostname", "hostname: \"*.wildcard.org\"")
                    + listener.formatted(
                        "https-with-hostname-matching-wildcard",
                        "hostname: fourth-example.wildcard.org"),
                io.attache.controlplane.TlsFixtures.secretYaml(
                    INFRA,
                    "tls-validity-checks-certificate",
                    io.attache.controlplane.TlsFixtures.RSA_CERT,
                    io.attache.controlplane.TlsFixtures.RSA_KEY),
                """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: httproute-https-test, namespace: gateway-conformance-infra}
                spec:
                  parentRefs: [{name: same-namespace-with-https-listener}]
                  hostnames: [example.org]
                  rules: [{backendRefs: [{name: infra-backend-v1, port: 8080}]}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: httproute-https-test-no-hostname, namespace: gateway-conformance-infra}
                spec:
                  parentRefs: [{name: same-namespace-with-https-listener, sectionName: https-with-hostname}]
                  rules: [{backendRefs: [{name: infra-backend-v2, port: 8080}]}]
                """));

    assertThat(
            replayHosts(
                config(state, INFRA + "/same-namespace-with-https-listener:443"),
                List.of("example.org /", "unknown-example.org /", "second-example.org /")))
        .containsExactly(
            "example.org / -> " + V1,
            "unknown-example.org / -> 404",
            "second-example.org / -> " + V2);
    io.envoyproxy.envoy.config.listener.v3.Listener https =
        new Translator()
            .translate(state).listeners().stream()
                .filter(l -> l.getName().equals(INFRA + "/same-namespace-with-https-listener:443"))
                .findFirst()
                .orElseThrow();
    assertThat(https.getFilterChainsList())
        .allSatisfy(chain -> assertThat(chain.hasTransportSocket()).isTrue())
        .extracting(chain -> chain.getFilterChainMatch().getServerNamesList().toString())
        .containsExactlyInAnyOrder(
            "[second-example.org]", "[*.wildcard.org]", "[fourth-example.wildcard.org]", "[]");
  }

  /**
   * HTTPRouteServiceTypes: a Service with hand-made EndpointSlices (IPv4 and IPv6), a headless one
   * and a headless one with hand-made slices are all backends, each path to its own cluster, whose
   * endpoints are the slices' (the suite fills the slices with the infra backend's pod addresses;
   * here fixed ones stand in).
   */
  @Test
  void httpRouteServiceTypes() {
    String service =
        """
        apiVersion: v1
        kind: Service
        metadata: {name: %s, namespace: gateway-conformance-infra}
        spec: {%sports: [{name: first-port, port: 8080, targetPort: 3000}]}
        """;
    String slice =
        """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %s-%s
          namespace: gateway-conformance-infra
          labels: {kubernetes.io/service-name: %s}
        addressType: %s
        ports: [{name: first-port, port: 3000, protocol: TCP}]
        endpoints: [{addresses: ["%s"], conditions: {ready: true}}]
        """;
    ClusterState state =
        parse(
            String.join(
                "---\n",
                """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: service-types, namespace: gateway-conformance-infra}
                spec:
                  parentRefs: [{name: same-namespace}]
                  rules:
                  - matches: [{path: {type: Exact, value: /manual-endpointslices}}]
                    backendRefs: [{name: manual-endpointslices, port: 8080}]
                  - matches: [{path: {type: Exact, value: /headless}}]
                    backendRefs: [{name: headless, port: 8080}]
                  - matches: [{path: {type: Exact, value: /headless-manual-endpointslices}}]
                    backendRefs: [{name: headless-manual-endpointslices, port: 8080}]
                """,
                service.formatted("manual-endpointslices", ""),
                slice.formatted(
                    "manual-endpointslices", "ip4", "manual-endpointslices", "IPv4", "10.0.0.1"),
                slice.formatted(
                    "manual-endpointslices", "ip6", "manual-endpointslices", "IPv6", "fd00::1"),
                service.formatted(
                    "headless", "clusterIP: None, selector: {app: infra-backend-v1}, "),
                slice.formatted("headless", "abcde", "headless", "IPv4", "10.0.0.2"),
                service.formatted("headless-manual-endpointslices", "clusterIP: None, "),
                slice.formatted(
                    "headless-manual-endpointslices",
                    "ip4",
                    "headless-manual-endpointslices",
                    "IPv4",
                    "10.0.0.3"),
                slice.formatted(
                    "headless-manual-endpointslices",
                    "ip6",
                    "headless-manual-endpointslices",
                    "IPv6",
                    "fd00::3")));

    assertThat(ConformanceManifests.firstStatus(state).healthy()).isTrue();
    assertThat(routes(state))
        .extracting(r -> match(r) + " -> " + target(r))
        .containsExactlyInAnyOrder(
            "path /manual-endpointslices -> " + INFRA + "/manual-endpointslices:first-port",
            "path /headless -> " + INFRA + "/headless:first-port",
            "path /headless-manual-endpointslices -> "
                + INFRA
                + "/headless-manual-endpointslices:first-port");
    java.util.Map<String, List<String>> endpoints = new java.util.TreeMap<>();
    for (var assignment : new Translator().translate(state).loadAssignments()) {
      endpoints.put(
          assignment.getClusterName(),
          assignment.getEndpointsList().stream()
              .flatMap(l -> l.getLbEndpointsList().stream())
              .map(
                  e ->
                      e.getEndpoint().getAddress().getSocketAddress().getAddress()
                          + ":"
                          + e.getEndpoint().getAddress().getSocketAddress().getPortValue())
              .sorted()
              .toList());
    }
    assertThat(endpoints)
        .containsEntry(
            INFRA + "/manual-endpointslices:first-port", List.of("10.0.0.1:3000", "fd00::1:3000"))
        .containsEntry(INFRA + "/headless:first-port", List.of("10.0.0.2:3000"))
        .containsEntry(
            INFRA + "/headless-manual-endpointslices:first-port",
            List.of("10.0.0.3:3000", "fd00::3:3000"));
  }
}
