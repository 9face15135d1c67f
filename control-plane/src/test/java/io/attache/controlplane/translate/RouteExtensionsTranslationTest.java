package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.source.ParseResult;
import io.attache.controlplane.source.ResourceError;
import io.attache.controlplane.source.ResourceParser;
import io.attache.runtime.WatchedDirectory;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An HTTPRoute's attache.io/ annotations (RouteExtensions), which carry what Emissary's Mappings
 * say of its filters (python/ambassador/envoy/v3/v3route.py: bypass_auth disables ext_authz on the
 * route; auth_context_extensions go into its check settings; labels become its rate_limits).
 */
class RouteExtensionsTranslationTest {
  private static final String GATEWAY =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec: {ports: [{name: http, port: 8080}]}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: shop}
      spec:
        gatewayClassName: attache
        listeners: [{name: web, port: 8000, protocol: HTTP}]
      ---
      apiVersion: attache.io/v1alpha1
      kind: AuthPolicy
      metadata: {name: everything, namespace: shop}
      spec:
        targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: edge}]
        identity: [{anonymous: {}}]
      """;

  private static final String LABELS =
      "{\"ambassador\": [{\"per_client\": [{\"source_cluster\": {}}, {\"remote_address\": {}}]},"
          + " {\"per_user\": [{\"destination_cluster\": {}}, {\"generic_key\": {\"key\": \"api\","
          + " \"value\": \"store\"}}, {\"request_headers\": {\"key\": \"user\", \"header_name\":"
          + " \"x-user\"}}]}]}";

  private static String route(String name, String prefix, String annotations) {
    return """
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: %s
          namespace: shop
          annotations: {%s}
        spec:
          parentRefs: [{name: edge}]
          rules: [{matches: [{path: {value: %s}}], backendRefs: [{name: web, port: 8080}]}]
        """
        .formatted(name, annotations, prefix);
  }

  private static ParseResult parse(String yaml) {
    return new ResourceParser().parse(List.of(new WatchedDirectory.File("r.yaml", yaml)));
  }

  private static XdsResources translate(String yaml) {
    ParseResult result = parse(yaml);
    assertThat(result).as(result.toString()).isInstanceOf(ParseResult.Parsed.class);
    ClusterState state = ((ParseResult.Parsed) result).state();
    return new Translator(new TranslatorOptions("ext-authz.attache:9001", "ratelimit.attache:8081"))
        .translate(state);
  }

  private static Route route(XdsResources resources, String name) {
    return resources.routes().stream()
        .filter(r -> r.getName().equals("shop/edge:8000"))
        .flatMap(r -> r.getVirtualHosts(0).getRoutesList().stream())
        .filter(r -> r.getName().startsWith("shop/" + name + "/"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void extAuthzDisabledTurnsTheFilterOffWhateverPolicyAppliesAsBypassAuthDoes() throws Exception {
    XdsResources xds =
        translate(
            GATEWAY
                + route("health", "/health", "attache.io/ext-authz: disabled")
                + route("store", "/store", ""));

    ExtAuthzPerRoute health =
        route(xds, "health")
            .getTypedPerFilterConfigOrThrow("envoy.filters.http.ext_authz")
            .unpack(ExtAuthzPerRoute.class);
    assertThat(health.getDisabled()).isTrue();
    assertThat(
            route(xds, "store")
                .getTypedPerFilterConfigOrThrow("envoy.filters.http.ext_authz")
                .unpack(FilterConfig.class)
                .getDisabled())
        .isFalse();
  }

  @Test
  void contextExtensionsJoinTheRoutesOwnInItsChecks() throws Exception {
    XdsResources xds =
        translate(
            GATEWAY
                + route(
                    "store",
                    "/store",
                    "attache.io/ext-authz-context-extensions: '{\"tier\": \"gold\"}'"));

    ExtAuthzPerRoute store =
        route(xds, "store")
            .getTypedPerFilterConfigOrThrow("envoy.filters.http.ext_authz")
            .unpack(FilterConfig.class)
            .getConfig()
            .unpack(ExtAuthzPerRoute.class);
    assertThat(store.getCheckSettings().getContextExtensionsMap())
        .containsEntry("tier", "gold")
        .containsEntry("attache.io/route", "shop/store")
        .containsEntry("attache.io/gateway", "shop/edge");
  }

  @Test
  void labelsBecomeOneRateLimitPerGroupInTheirDomainWithoutAnyPolicy() throws Exception {
    XdsResources xds =
        translate(
            GATEWAY + route("store", "/store", "attache.io/rate-limit-labels: '" + LABELS + "'"));

    Route store = route(xds, "store");
    List<RateLimit> limits = store.getRoute().getRateLimitsList();
    assertThat(limits).hasSize(2);
    assertThat(limits.get(0).getActions(0).hasSourceCluster()).isTrue();
    assertThat(limits.get(0).getActions(1).hasRemoteAddress()).isTrue();
    assertThat(limits.get(1).getActions(0).hasDestinationCluster()).isTrue();
    assertThat(limits.get(1).getActions(1).getGenericKey().getDescriptorKey()).isEqualTo("api");
    assertThat(limits.get(1).getActions(1).getGenericKey().getDescriptorValue()).isEqualTo("store");
    assertThat(limits.get(1).getActions(2).getRequestHeaders().getHeaderName()).isEqualTo("x-user");
    assertThat(
            store
                .getTypedPerFilterConfigOrThrow("envoy.filters.http.ratelimit")
                .unpack(FilterConfig.class)
                .getConfig()
                .unpack(RateLimitPerRoute.class)
                .getDomain())
        .isEqualTo("ambassador");
    // the listener carries the ratelimit filter, and the rate-limit service has its cluster
    assertThat(xds.clusters())
        .anyMatch(c -> c.getName().equals(ServiceClusters.RATE_LIMIT_CLUSTER));
  }

  @Test
  void aRoutesOwnRateLimitPolicyWinsOverItsLabels() throws Exception {
    String policy =
        """
        ---
        apiVersion: attache.io/v1alpha1
        kind: RateLimitPolicy
        metadata: {name: store, namespace: shop}
        spec:
          domain: shop
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: store}]
          descriptors: [{key: remote_address, rate_limit: {unit: second, requests_per_unit: 5}}]
        """;
    XdsResources xds =
        translate(
            GATEWAY
                + route("store", "/store", "attache.io/rate-limit-labels: '" + LABELS + "'")
                + policy);

    assertThat(
            route(xds, "store")
                .getTypedPerFilterConfigOrThrow("envoy.filters.http.ratelimit")
                .unpack(FilterConfig.class)
                .getConfig()
                .unpack(RateLimitPerRoute.class)
                .getDomain())
        .isEqualTo("shop");
  }

  /** topics/using/cors: the CORS filter first on the listener, the route's policy on its routes. */
  @Test
  void corsPutsEnvoysFilterFirstAndThePolicyOnTheRoute() throws Exception {
    XdsResources xds =
        translate(
            GATEWAY
                + route(
                    "store",
                    "/store",
                    "attache.io/cors: '{\"origins\": [\"https://shop.example.com\"], \"methods\":"
                        + " [\"GET\", \"POST\"], \"headers\": [\"Content-Type\"], \"credentials\":"
                        + " true, \"exposed_headers\": [\"X-Trace\"], \"max_age\": \"86400\"}'")
                + route("plain", "/plain", ""));

    CorsPolicy policy =
        route(xds, "store")
            .getTypedPerFilterConfigOrThrow("envoy.filters.http.cors")
            .unpack(CorsPolicy.class);
    assertThat(policy.getAllowOriginStringMatch(0).getExact())
        .isEqualTo("https://shop.example.com");
    assertThat(policy.getAllowMethods()).isEqualTo("GET, POST");
    assertThat(policy.getAllowHeaders()).isEqualTo("Content-Type");
    assertThat(policy.getExposeHeaders()).isEqualTo("X-Trace");
    assertThat(policy.getMaxAge()).isEqualTo("86400");
    assertThat(policy.getAllowCredentials().getValue()).isTrue();
    assertThat(route(xds, "plain").getTypedPerFilterConfigMap())
        .doesNotContainKey("envoy.filters.http.cors");
    HttpConnectionManager manager =
        xds.listeners().stream()
            .filter(l -> l.getName().equals("shop/edge:8000"))
            .findFirst()
            .orElseThrow()
            .getFilterChains(0)
            .getFilters(0)
            .getTypedConfig()
            .unpack(HttpConnectionManager.class);
    assertThat(manager.getHttpFiltersList())
        .extracting(f -> f.getName())
        .containsExactly(
            "envoy.filters.http.cors", "envoy.filters.http.ext_authz", "envoy.filters.http.router");
  }

  @Test
  void withoutCorsTheListenerHasNoCorsFilter() throws Exception {
    XdsResources xds = translate(GATEWAY + route("plain", "/plain", ""));

    assertThat(xds.listeners().get(0).toString()).doesNotContain("envoy.filters.http.cors");
  }

  /** v3route.py: case_sensitive on the match, idle_timeout and regex_rewrite on the action. */
  @Test
  void caseIdleTimeoutAndRegexRewriteChangeTheMatchAndTheAction() {
    XdsResources xds =
        translate(
            GATEWAY
                + route(
                    "legacy",
                    "/Legacy",
                    "attache.io/case-sensitive: 'false', attache.io/idle-timeout: 1m30s,"
                        + " attache.io/regex-rewrite: '{\"pattern\": \"^/Legacy/(.*)$\","
                        + " \"substitution\": \"/v1/\\\\1\"}'"));

    Route legacy = route(xds, "legacy");
    assertThat(legacy.getMatch().getCaseSensitive().getValue()).isFalse();
    assertThat(legacy.getMatch().hasCaseSensitive()).isTrue();
    assertThat(legacy.getRoute().getIdleTimeout().getSeconds()).isEqualTo(90);
    assertThat(legacy.getRoute().getRegexRewrite().getPattern().getRegex())
        .isEqualTo("^/Legacy/(.*)$");
    assertThat(legacy.getRoute().getRegexRewrite().getSubstitution()).isEqualTo("/v1/\\1");
    assertThat(legacy.getRoute().getPrefixRewrite()).isEmpty();
  }

  /**
   * A change to one route that adds CORS or labels must give the listeners the CORS and ratelimit
   * filters, and one that removes them must take them away, as a whole translation would: the
   * translation of a change (translate(state, before, previous)) equals the whole one.
   */
  @Test
  void aRouteChangeThatNeedsOrDropsAFilterRebuildsTheListeners() {
    ClusterState plain = state(GATEWAY + route("store", "/store", ""));
    ClusterState withBoth =
        state(
            GATEWAY
                + route(
                    "store",
                    "/store",
                    "attache.io/cors: '{\"origins\": [\"https://a.example\"]}',"
                        + " attache.io/rate-limit-labels: '"
                        + LABELS
                        + "'"));
    Translator translator =
        new Translator(new TranslatorOptions("ext-authz.attache:9001", "ratelimit.attache:8081"));

    XdsResources before = translator.translate(plain);
    XdsResources added = translator.translate(withBoth, plain, before);
    assertThat(added).isEqualTo(translator.translate(withBoth));
    assertThat(added.listeners().toString())
        .contains("envoy.filters.http.cors")
        .contains("envoy.filters.http.ratelimit");

    XdsResources removed = translator.translate(plain, withBoth, added);
    assertThat(removed).isEqualTo(before);
    assertThat(removed.listeners().toString())
        .doesNotContain("envoy.filters.http.cors")
        .doesNotContain("envoy.filters.http.ratelimit");
  }

  private static ClusterState state(String yaml) {
    return ((ParseResult.Parsed) parse(yaml)).state();
  }

  /** GEP-713: labels are the route's own limits; a Gateway's policy wins only with overrides. */
  @Test
  void labelsStandInForARoutePolicyAgainstTheGateways() throws Exception {
    String gatewayPolicy =
        """
        ---
        apiVersion: attache.io/v1alpha1
        kind: RateLimitPolicy
        metadata: {name: edge, namespace: shop}
        spec:
          domain: edge
          targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: edge}]
          descriptors: [{key: remote_address, rate_limit: {unit: second, requests_per_unit: 5}}]
        """;
    String labelled = route("store", "/store", "attache.io/rate-limit-labels: '" + LABELS + "'");

    assertThat(domain(translate(GATEWAY + labelled + gatewayPolicy))).isEqualTo("ambassador");
    assertThat(
            domain(
                translate(
                    GATEWAY
                        + labelled
                        + gatewayPolicy.replace(
                            "  domain: edge\n",
                            "  domain: edge\n  mergeStrategy: AtomicOverrides\n"))))
        .isEqualTo("edge");
  }

  private static String domain(XdsResources xds) throws Exception {
    return route(xds, "store")
        .getTypedPerFilterConfigOrThrow("envoy.filters.http.ratelimit")
        .unpack(FilterConfig.class)
        .getConfig()
        .unpack(RateLimitPerRoute.class)
        .getDomain();
  }

  /** Emissary's precedence (irhttpmapping.py _route_weight, first key): higher goes first. */
  @Test
  void precedenceOrdersRoutesBeforeGatewayApisOwnOrder() {
    XdsResources xds =
        translate(
            GATEWAY
                + route("specific", "/store/cart", "")
                + route("preferred", "/store", "attache.io/precedence: '10'"));

    List<String> order =
        xds.routes().stream()
            .filter(r -> r.getName().equals("shop/edge:8000"))
            .flatMap(r -> r.getVirtualHosts(0).getRoutesList().stream())
            .map(Route::getName)
            .toList();
    assertThat(order.get(0)).startsWith("shop/preferred/");
    assertThat(order).anyMatch(name -> name.startsWith("shop/specific/"));
  }

  @Test
  void methodAndAuthorityRegexesMatchThePseudoHeaders() {
    XdsResources xds =
        translate(
            GATEWAY
                + route(
                    "read",
                    "/r",
                    "attache.io/method-regex: 'GET|HEAD', attache.io/authority-regex:"
                        + " '^[a-z]+\\.example\\.com$'"));

    Route read = route(xds, "read");
    assertThat(read.getMatch().getHeadersList())
        .extracting(h -> h.getName() + " " + h.getStringMatch().getSafeRegex().getRegex())
        .containsExactly(":method GET|HEAD", ":authority ^[a-z]+\\.example\\.com$");
  }

  @Test
  void anAnnotationThatDoesNotReadIsAnErrorNamingIt() {
    ParseResult result =
        parse(
            GATEWAY
                + route(
                    "store",
                    "/store",
                    "attache.io/ext-authz: 'off', attache.io/ext-authz-context-extensions: '[1]',"
                        + " attache.io/rate-limit-labels: '{\"a\": [], \"b\": []}',"
                        + " attache.io/cors: '{\"origins\": 1, \"maxAge\": 5}',"
                        + " attache.io/idle-timeout: soon, attache.io/case-sensitive: 'no',"
                        + " attache.io/regex-rewrite: '{\"pattern\": \"(?=x)\", \"substitution\": \"\"}'"));

    assertThat(((ParseResult.Invalid) result).errors())
        .extracting(ResourceError::toString)
        .containsExactlyInAnyOrder(
            "r.yaml (document 4) metadata.annotations[attache.io/ext-authz]: must be disabled, was"
                + " off",
            "r.yaml (document 4) metadata.annotations[attache.io/ext-authz-context-extensions]:"
                + " must be a JSON object of strings",
            "r.yaml (document 4) metadata.annotations[attache.io/rate-limit-labels]: must map"
                + " exactly one rate-limit domain to its label groups (Envoy's filter sends one"
                + " domain per route)",
            "r.yaml (document 4) metadata.annotations[attache.io/cors]: maxAge: unknown field of"
                + " an Emissary CORS policy",
            "r.yaml (document 4) metadata.annotations[attache.io/cors]: origins: must be a list of"
                + " strings",
            "r.yaml (document 4) metadata.annotations[attache.io/idle-timeout]: must be a duration"
                + " such as 5s, 250ms or 1h30m, was 'soon'",
            "r.yaml (document 4) metadata.annotations[attache.io/case-sensitive]: must be true or"
                + " false, was no",
            "r.yaml (document 4) metadata.annotations[attache.io/regex-rewrite]: look-around and"
                + " back-references are not RE2 syntax, which Envoy uses");
  }
}
