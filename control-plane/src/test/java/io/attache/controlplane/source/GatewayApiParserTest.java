package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.HttpRouteState.ParentKind;
import io.attache.controlplane.model.HttpRouteState.PathMatch;
import io.attache.controlplane.model.HttpRouteState.PathModifier;
import io.attache.runtime.WatchedDirectory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gateways and HTTPRoutes read from YAML: defaults as the CRDs give them, and every error named.
 */
class GatewayApiParserTest {
  private static final String GATEWAY =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: shop, generation: 3}
      spec:
        gatewayClassName: attache
        listeners:
          - name: web
            port: 8000
            protocol: HTTP
            hostname: "*.example.com"
            allowedRoutes: {namespaces: {from: All}}
          - name: tls
            port: 8443
            protocol: HTTPS
            tls: {certificateRefs: [{name: shop-cert}]}
      """;

  private static final String ROUTE =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: store, namespace: shop, generation: 7, creationTimestamp: "2026-05-01T10:00:00Z"}
      spec:
        parentRefs:
          - name: edge
            sectionName: web
          - {group: "", kind: Service, name: web, port: 8080}
        hostnames: [store.example.com]
        rules:
          - matches:
              - path: {type: PathPrefix, value: /api}
                headers: [{name: X-Canary, value: "true"}]
                queryParams: [{type: RegularExpression, name: v, value: "[0-9]+"}]
                method: GET
            filters:
              - type: RequestHeaderModifier
                requestHeaderModifier:
                  set: [{name: X-Env, value: prod}]
                  remove: [X-Debug]
              - type: URLRewrite
                urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}
              - type: RequestMirror
                requestMirror: {backendRef: {name: shadow, port: 80}, percent: 10}
            backendRefs:
              - {name: web, port: 8080, weight: 90}
              - {name: web-v2, port: 8080, weight: 10}
            timeouts: {request: 10s, backendRequest: 1500ms}
          - filters:
              - type: RequestRedirect
                requestRedirect: {scheme: https, statusCode: 301}
      """;

  private final ResourceParser parser = new ResourceParser();

  private ParseResult parse(String content) {
    return parser.parse(List.of(new WatchedDirectory.File("gateway.yaml", content)));
  }

  private static ClusterState parsed(ParseResult result) {
    assertThat(result).isInstanceOf(ParseResult.Parsed.class);
    return ((ParseResult.Parsed) result).state();
  }

  private List<String> errors(String content) {
    ParseResult result = parse(content);
    assertThat(result).isInstanceOf(ParseResult.Invalid.class);
    return ((ParseResult.Invalid) result).errors().stream().map(ResourceError::toString).toList();
  }

  @Test
  void aGatewayIsReadWithItsListeners() {
    GatewayState gateway = parsed(parse(GATEWAY)).gateways().get(0);

    assertThat(gateway.key()).isEqualTo("shop/edge");
    assertThat(gateway.generation()).isEqualTo(3);
    assertThat(gateway.listeners()).hasSize(2);
    assertThat(gateway.listeners().get(0).hostname()).contains("*.example.com");
    assertThat(gateway.listeners().get(0).allRoutesNamespaces()).isTrue();
    assertThat(gateway.listeners().get(1).protocol()).isEqualTo(GatewayState.Protocol.HTTPS);
    assertThat(gateway.listeners().get(1).certificateSecrets()).containsExactly("shop/shop-cert");
  }

  @Test
  void aGatewayOfAnotherClassIsLeftToItsController() {
    assertThat(
            parsed(parse(GATEWAY.replace("gatewayClassName: attache", "gatewayClassName: istio")))
                .gateways())
        .isEmpty();
  }

  @Test
  void anHttpRouteIsReadWithEveryFeature() {
    HttpRouteState route = parsed(parse(ROUTE)).httpRoutes().get(0);

    assertThat(route.generation()).isEqualTo(7);
    assertThat(route.created()).isEqualTo(Instant.parse("2026-05-01T10:00:00Z"));
    assertThat(route.parents())
        .extracting(HttpRouteState.ParentRef::kind)
        .containsExactly(ParentKind.GATEWAY, ParentKind.SERVICE);
    assertThat(route.parents().get(0).namespace()).isEqualTo("shop");
    assertThat(route.parents().get(0).sectionName()).contains("web");
    HttpRouteState.Rule rule = route.rules().get(0);
    assertThat(rule.matches().get(0).path())
        .isEqualTo(new PathMatch(PathMatch.Type.PREFIX, "/api"));
    assertThat(rule.matches().get(0).headers().get(0).name()).isEqualTo("x-canary");
    assertThat(rule.matches().get(0).queryParams().get(0).regex()).isTrue();
    assertThat(rule.matches().get(0).method()).contains("GET");
    assertThat(rule.requestHeaders().set())
        .containsExactly(new HttpRouteState.Header("x-env", "prod"));
    assertThat(rule.requestHeaders().remove()).containsExactly("x-debug");
    assertThat(rule.rewrite().orElseThrow().path())
        .contains(new PathModifier(PathModifier.Type.REPLACE_PREFIX_MATCH, "/v2"));
    assertThat(rule.mirrors().get(0).backend().name()).isEqualTo("shadow");
    assertThat(rule.mirrors().get(0).numerator()).isEqualTo(10);
    assertThat(rule.backends())
        .extracting(HttpRouteState.BackendRef::weight)
        .containsExactly(90, 10);
    assertThat(rule.requestTimeout()).contains(Duration.ofSeconds(10));
    assertThat(rule.backendRequestTimeout()).contains(Duration.ofMillis(1500));
    assertThat(route.rules().get(1).redirect().orElseThrow().statusCode()).isEqualTo(301);
  }

  @Test
  void aRouteWithoutRulesMatchesEverything() {
    String route =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: all}
        spec:
          parentRefs: [{name: edge}]
        """;

    HttpRouteState parsed = parsed(parse(route)).httpRoutes().get(0);

    assertThat(parsed.rules()).hasSize(1);
    assertThat(parsed.rules().get(0).matches()).isEmpty();
  }

  @Test
  void everyBadFieldOfARouteIsNamed() {
    String bad =
        ROUTE
            .replace(
                "type: RegularExpression, name: v, value: \"[0-9]+\"",
                "type: RegularExpression, name: v, value: \"([0-9\"")
            .replace("method: GET", "method: FETCH")
            .replace("request: 10s", "request: 10 seconds")
            .replace("weight: 10}", "weight: -1}")
            .replace("statusCode: 301", "statusCode: 399");

    assertThat(errors(bad))
        .containsExactlyInAnyOrder(
            "gateway.yaml (document 1) spec.rules[0].matches[0].queryParams[0].value: invalid regular expression: Unclosed character class near index 4",
            "gateway.yaml (document 1) spec.rules[0].matches[0].method: must be one of [CONNECT, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE], was 'FETCH'",
            "gateway.yaml (document 1) spec.rules[0].backendRefs[1].weight: must be between 0 and 1000000, was -1",
            "gateway.yaml (document 1) spec.rules[0].timeouts.request: must be a Gateway API duration such as 10s, 500ms or 1h30m, was '10 seconds'",
            "gateway.yaml (document 1) spec.rules[1].filters[0].requestRedirect.statusCode: must be 301, 302, 303, 307 or 308, was 399");
  }

  /**
   * A backendRef of another kind is not a schema error: the spec wants the route served with that
   * backend's share answered 500 and ResolvedRefs=False/InvalidKind (gateway-api
   * apis/v1/httproute_types.go, HTTPRouteRule.backendRefs; the conformance test
   * HTTPRouteInvalidBackendRefUnknownKind). Port is required only for Services.
   */
  @Test
  void aBackendOfAnotherKindIsKeptForTheResolverToRefuse() {
    String other =
        ROUTE.replace(
            "{name: web-v2, port: 8080, weight: 10}",
            "{group: storage.example.com, kind: Bucket, name: b, weight: 10}");

    HttpRouteState route = parsed(parse(other)).httpRoutes().get(0);

    assertThat(route.rules().get(0).backends().get(1).unsupportedKind())
        .contains("storage.example.com/Bucket");
  }

  /**
   * gateway-api apis/v1/httproute_types.go, HTTPHeaderMatch.name: "If multiple entries specify
   * equivalent header names, only the first entry with an equivalent name MUST be considered for a
   * match. Subsequent entries with an equivalent header name MUST be ignored" ("foo" and "Foo" are
   * equivalent). Not an error of the route.
   */
  @Test
  void aRepeatedHeaderMatchIsIgnoredAfterTheFirst() {
    String repeated =
        ROUTE.replace(
            "headers: [{name: X-Canary, value: \"true\"}]",
            "headers: [{name: X-Canary, value: \"true\"}, {name: x-canary, value: \"false\"}]");

    HttpRouteState route = parsed(parse(repeated)).httpRoutes().get(0);

    assertThat(route.rules().get(0).matches().get(0).headers())
        .containsExactly(new HttpRouteState.ValueMatch("x-canary", false, "true"));
  }

  /** The same for HTTPHeader.name in a header modifier's {@code set} (or {@code add}) list. */
  @Test
  void aRepeatedHeaderInAModifierListIsIgnoredAfterTheFirst() {
    String repeated =
        ROUTE.replace(
            "set: [{name: X-Env, value: prod}]",
            "set: [{name: X-Env, value: prod}, {name: x-env, value: dev}]");

    HttpRouteState route = parsed(parse(repeated)).httpRoutes().get(0);

    assertThat(route.rules().get(0).requestHeaders().set())
        .containsExactly(new HttpRouteState.Header("x-env", "prod"));
  }

  /**
   * gateway-api apis/v1/httproute_types.go, HTTPPathModifier.replacePrefixMatch: the table maps
   * "/foo/bar | /foo | &lt;empty string&gt; | /bar", the same as a replacement of "/". An empty
   * replacement is valid (no minimum length) and means "/".
   */
  @Test
  void anEmptyReplacePrefixMatchMeansTheRoot() {
    String empty = ROUTE.replace("replacePrefixMatch: /v2", "replacePrefixMatch: \"\"");

    HttpRouteState route = parsed(parse(empty)).httpRoutes().get(0);

    assertThat(route.rules().get(0).rewrite().flatMap(HttpRouteState.Rewrite::path))
        .contains(new PathModifier(PathModifier.Type.REPLACE_PREFIX_MATCH, "/"));
  }

  /**
   * A parentRef of a kind this control plane does not serve belongs to another implementation: the
   * route is not rejected for it, and it gets no status of ours (gateway-api
   * apis/v1/shared_types.go, RouteStatus.parents: "Implementations of this API can only populate
   * Route status for the Gateways/parent resources they are responsible for").
   */
  @Test
  void aParentOfAnotherKindIsLeftToItsImplementation() {
    String other =
        ROUTE.replace(
            "{group: \"\", kind: Service, name: web, port: 8080}",
            "{group: mesh.example.com, kind: Mesh, name: m}");

    HttpRouteState route = parsed(parse(other)).httpRoutes().get(0);

    assertThat(route.parents()).extracting(HttpRouteState.ParentRef::name).containsExactly("edge");
  }

  @Test
  void unsupportedFeaturesAreErrorsNotSilentlyIgnored() {
    String bad =
        ROUTE.replace(
            "- type: RequestHeaderModifier",
            "- type: ExtensionRef\n          extensionRef: {group: x.io, kind: Thing, name: t}\n        - type: RequestHeaderModifier");

    assertThat(errors(bad))
        .anyMatch(
            e ->
                e.contains("spec.rules[0].filters[0].type: must be RequestHeaderModifier")
                    && e.contains("was 'ExtensionRef'"));
  }

  @Test
  void lookAroundIsRefusedBecauseEnvoyUsesRe2() {
    String bad = ROUTE.replace("value: \"[0-9]+\"", "value: \"(?=a)b\"");

    assertThat(errors(bad))
        .anyMatch(
            e ->
                e.contains(
                    "queryParams[0].value: look-around and back-references are not RE2 syntax"));
  }

  @Test
  void aRedirectWithBackendsIsRefused() {
    String bad =
        ROUTE.replace(
            "requestRedirect: {scheme: https, statusCode: 301}",
            "requestRedirect: {scheme: https, statusCode: 301}\n      backendRefs: [{name: web, port: 8080}]");

    assertThat(errors(bad))
        .contains(
            "gateway.yaml (document 1) spec.rules[1].filters: RequestRedirect cannot be used with backendRefs");
  }

  @Test
  void aBackendTimeoutLongerThanTheRequestTimeoutIsRefused() {
    String bad = ROUTE.replace("backendRequest: 1500ms", "backendRequest: 1m");

    assertThat(errors(bad))
        .contains(
            "gateway.yaml (document 1) spec.rules[0].timeouts.backendRequest: must not be longer than timeouts.request");
  }

  @Test
  void badListenersAreNamed() {
    String bad =
        GATEWAY
            .replace("protocol: HTTP\n", "protocol: UDP\n")
            .replace("tls: {certificateRefs: [{name: shop-cert}]}", "tls: {mode: Passthrough}")
            .replace(
                "from: All",
                "from: Selector, selector: {matchExpressions: [{key: team, operator: Has}]}");

    assertThat(errors(bad))
        .containsExactlyInAnyOrder(
            "gateway.yaml (document 1) spec.listeners[0].protocol: must be HTTP, HTTPS, TLS or TCP (UDP listeners are not supported), was 'UDP'",
            "gateway.yaml (document 1) spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[0].operator: must be In, NotIn, Exists or DoesNotExist, was 'Has'",
            "gateway.yaml (document 1) spec.listeners[1].tls.mode: must be Terminate for HTTPS, was 'Passthrough'",
            "gateway.yaml (document 1) spec.listeners[1].tls.certificateRefs: an HTTPS listener needs at least one certificate Secret");
  }

  @Test
  void aNamespaceSelectorIsCheckedAsTheApiServerChecksOne() {
    assertThat(errors(GATEWAY.replace("from: All", "from: Selector")))
        .containsExactly(
            "gateway.yaml (document 1) spec.listeners[0].allowedRoutes.namespaces.selector: required when from is Selector");
    assertThat(
            errors(
                GATEWAY.replace(
                    "from: All",
                    "from: Selector, selector: {matchExpressions: [{key: team, operator: In}, {key: tier, operator: Exists, values: [a]}]}")))
        .containsExactlyInAnyOrder(
            "gateway.yaml (document 1) spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[0].values: required (at least one) for operator In",
            "gateway.yaml (document 1) spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[1].values: must be empty for operator Exists");
  }

  @Test
  void durationsFollowGep2257() {
    assertThat(GatewayDurations.parse("1h30m")).contains(Duration.ofMinutes(90));
    assertThat(GatewayDurations.parse("250ms")).contains(Duration.ofMillis(250));
    assertThat(GatewayDurations.parse("0s")).contains(Duration.ZERO);
    assertThat(GatewayDurations.parse("1.5s")).isEmpty();
    assertThat(GatewayDurations.parse("123456s")).isEmpty();
  }
}
