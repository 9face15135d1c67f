package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.source.ParseResult;
import io.attache.controlplane.source.ResourceError;
import io.attache.controlplane.source.ResourceParser;
import io.attache.runtime.WatchedDirectory;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** AuthPolicy and RateLimitPolicy targets turn Envoy's ext_authz and ratelimit filters on. */
class FilterAttachmentTranslationTest {
  private static final String CLUSTER =
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
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: store, namespace: shop}
      spec:
        parentRefs: [{name: edge}, {group: "", kind: Service, name: web}]
        rules: [{backendRefs: [{name: web, port: 8080}]}]
      ---
      apiVersion: attache.io/v1alpha1
      kind: AuthPolicy
      metadata: {name: store-auth, namespace: shop}
      spec:
        targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: store}]
        identity: [{anonymous: {}}]
      ---
      """;

  private static final String LIMITS =
      """
      apiVersion: attache.io/v1alpha1
      kind: RateLimitPolicy
      metadata: {name: per-user, namespace: shop, creationTimestamp: "2026-01-01T00:00:00Z"}
      spec:
        domain: shop
        targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: edge}]
        descriptorSources:
          user: {requestHeader: X-User}
          tier: {metadata: {filter: envoy.filters.http.ext_authz, path: [tier]}}
        descriptors:
          - key: user
            rate_limit: {unit: minute, requests_per_unit: 60}
            descriptors:
              - {key: tier, value: gold, rate_limit: {unit: minute, requests_per_unit: 600}}
          - key: remote_address
            rate_limit: {unit: second, requests_per_unit: 10}
          - {key: api, value: store, rate_limit: {unit: second, requests_per_unit: 1000}}
      """;

  private static ClusterState parse(String yaml) {
    ParseResult result =
        new ResourceParser().parse(List.of(new WatchedDirectory.File("p.yaml", yaml)));
    assertThat(result).isInstanceOf(ParseResult.Parsed.class);
    return ((ParseResult.Parsed) result).state();
  }

  private static XdsResources translate(String yaml) {
    return new Translator(new TranslatorOptions("ext-authz.attache:9001", "ratelimit.attache:8081"))
        .translate(parse(yaml));
  }

  private static Route gatewayRoute(XdsResources resources) {
    return resources.routes().stream()
        .filter(r -> r.getName().equals("shop/edge:8000"))
        .findFirst()
        .orElseThrow()
        .getVirtualHosts(0)
        .getRoutes(0);
  }

  private static <T extends com.google.protobuf.Message> T perRoute(
      Route route, String filter, Class<T> type) throws Exception {
    FilterConfig config = route.getTypedPerFilterConfigOrThrow(filter).unpack(FilterConfig.class);
    assertThat(config.getDisabled()).isFalse();
    return config.getConfig().unpack(type);
  }

  @Test
  void theGatewayListenerCarriesBothFiltersDisabledBeforeTheRouter() throws Exception {
    XdsResources resources = translate(CLUSTER + LIMITS);

    Listener listener =
        resources.listeners().stream()
            .filter(l -> l.getName().equals("shop/edge:8000"))
            .findFirst()
            .orElseThrow();
    HttpConnectionManager manager =
        listener
            .getFilterChains(0)
            .getFilters(0)
            .getTypedConfig()
            .unpack(HttpConnectionManager.class);

    assertThat(manager.getHttpFiltersList())
        .extracting(f -> f.getName() + (f.getDisabled() ? " (disabled)" : ""))
        .containsExactly(
            "envoy.filters.http.ext_authz (disabled)",
            "envoy.filters.http.ratelimit (disabled)",
            "envoy.filters.http.router");
  }

  @Test
  void aTargetedRouteIsCheckedWithItsNamesInContextExtensions() throws Exception {
    Route route = gatewayRoute(translate(CLUSTER + LIMITS));

    ExtAuthzPerRoute authz =
        perRoute(route, "envoy.filters.http.ext_authz", ExtAuthzPerRoute.class);

    assertThat(authz.getCheckSettings().getContextExtensionsMap())
        .containsEntry("attache.io/route", "shop/store")
        .containsEntry("attache.io/gateway", "shop/edge");
  }

  /** One HTTPRoute's routes carry one copy of its equal per-filter configurations. */
  @Test
  void aRoutesEnvoyRoutesShareTheirFilterConfigurations() {
    String twoPrefixes =
        CLUSTER.replace(
            "rules: [{backendRefs: [{name: web, port: 8080}]}]",
            "rules: [{matches: [{path: {type: PathPrefix, value: /a}},"
                + " {path: {type: PathPrefix, value: /b}}],"
                + " backendRefs: [{name: web, port: 8080}]}]");
    List<Route> routes =
        translate(twoPrefixes + LIMITS).routes().stream()
            .filter(r -> r.getName().equals("shop/edge:8000"))
            .findFirst()
            .orElseThrow()
            .getVirtualHosts(0)
            .getRoutesList();

    assertThat(routes).hasSize(4);
    Route first = routes.get(0);
    assertThat(first.getTypedPerFilterConfigMap())
        .containsKeys("envoy.filters.http.ext_authz", "envoy.filters.http.ratelimit");
    for (Route route : routes) {
      assertThat(route.getTypedPerFilterConfigMap()).isEqualTo(first.getTypedPerFilterConfigMap());
      first
          .getTypedPerFilterConfigMap()
          .forEach(
              (filter, config) ->
                  assertThat(route.getTypedPerFilterConfigOrThrow(filter)).isSameAs(config));
    }
  }

  @Test
  void everyLimitedDescriptorBecomesARateLimitWithItsActions() throws Exception {
    Route route = gatewayRoute(translate(CLUSTER + LIMITS));

    RateLimitPerRoute limits =
        perRoute(route, "envoy.filters.http.ratelimit", RateLimitPerRoute.class);
    List<RateLimit> rateLimits = route.getRoute().getRateLimitsList();

    assertThat(limits.getDomain()).isEqualTo("shop");
    assertThat(rateLimits).hasSize(4);
    assertThat(rateLimits.get(0).getActions(0).getRequestHeaders().getHeaderName())
        .isEqualTo("x-user");
    assertThat(rateLimits.get(0).getActions(0).getRequestHeaders().getDescriptorKey())
        .isEqualTo("user");
    assertThat(rateLimits.get(1).getActionsCount()).isEqualTo(2);
    assertThat(rateLimits.get(1).getActions(1).getMetadata().getMetadataKey().getKey())
        .isEqualTo("envoy.filters.http.ext_authz");
    assertThat(rateLimits.get(1).getActions(1).getMetadata().getMetadataKey().getPath(0).getKey())
        .isEqualTo("tier");
    assertThat(rateLimits.get(2).getActions(0).hasRemoteAddress()).isTrue();
    assertThat(rateLimits.get(3).getActions(0).getGenericKey().getDescriptorKey()).isEqualTo("api");
    assertThat(rateLimits.get(3).getActions(0).getGenericKey().getDescriptorValue())
        .isEqualTo("store");
  }

  @Test
  void theServicesGetLogicalDnsClustersSpeakingHttp2() {
    XdsResources resources = translate(CLUSTER + LIMITS);

    Cluster authz =
        resources.clusters().stream()
            .filter(c -> c.getName().equals("attache.ext-authz"))
            .findFirst()
            .orElseThrow();

    assertThat(authz.getType()).isEqualTo(Cluster.DiscoveryType.LOGICAL_DNS);
    assertThat(
            authz
                .getLoadAssignment()
                .getEndpoints(0)
                .getLbEndpoints(0)
                .getEndpoint()
                .getAddress()
                .getSocketAddress()
                .getAddress())
        .isEqualTo("ext-authz.attache");
    assertThat(authz.getTypedExtensionProtocolOptionsMap())
        .containsKey("envoy.extensions.upstreams.http.v3.HttpProtocolOptions");
    assertThat(resources.clusters()).extracting(Cluster::getName).contains("attache.ratelimit");
  }

  /**
   * With the services on TLS (GRPC_SERVER_USE_TLS), their clusters carry Envoy's UpstreamTlsContext
   * (envoy/extensions/transport_sockets/tls/v3/tls.proto): SNI and a SAN match for the host
   * dialled, ALPN h2, the CA and the client certificate, as files on Envoy's filesystem.
   */
  @Test
  void withServicesOnTlsTheirClustersOriginateMutualTls() throws Exception {
    XdsResources resources =
        new Translator(
                new TranslatorOptions(
                    "ext-authz.attache:9001",
                    "10.0.0.7:8081",
                    Optional.of(
                        new UpstreamTls(
                            "/etc/envoy/attache/ca.crt",
                            Optional.of("/etc/envoy/attache/tls.crt"),
                            Optional.of("/etc/envoy/attache/tls.key")))))
            .translate(parse(CLUSTER + LIMITS));

    Cluster authz = cluster(resources, "attache.ext-authz");
    assertThat(authz.getTransportSocket().getName()).isEqualTo("envoy.transport_sockets.tls");
    UpstreamTlsContext tls =
        authz.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    assertThat(tls.getSni()).isEqualTo("ext-authz.attache");
    assertThat(tls.getCommonTlsContext().getAlpnProtocolsList()).containsExactly("h2");
    var validation = tls.getCommonTlsContext().getValidationContext();
    assertThat(validation.getTrustedCa().getFilename()).isEqualTo("/etc/envoy/attache/ca.crt");
    assertThat(validation.getMatchTypedSubjectAltNames(0).getSanType())
        .isEqualTo(SubjectAltNameMatcher.SanType.DNS);
    assertThat(validation.getMatchTypedSubjectAltNames(0).getMatcher().getExact())
        .isEqualTo("ext-authz.attache");
    assertThat(tls.getCommonTlsContext().getTlsCertificates(0).getCertificateChain().getFilename())
        .isEqualTo("/etc/envoy/attache/tls.crt");
    UpstreamTlsContext byIp =
        cluster(resources, "attache.ratelimit")
            .getTransportSocket()
            .getTypedConfig()
            .unpack(UpstreamTlsContext.class);
    assertThat(byIp.getCommonTlsContext().getValidationContext().getMatchTypedSubjectAltNames(0))
        .extracting(SubjectAltNameMatcher::getSanType)
        .isEqualTo(SubjectAltNameMatcher.SanType.IP_ADDRESS);
    assertThat(cluster(translate(CLUSTER + LIMITS), "attache.ext-authz").hasTransportSocket())
        .isFalse();
  }

  private static Cluster cluster(XdsResources resources, String name) {
    return resources.clusters().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void proxylessClientsGetNoFilters() {
    XdsResources resources = translate(CLUSTER + LIMITS);

    Route route =
        resources.routes().stream()
            .filter(r -> r.getName().equals("web.shop:8080"))
            .findFirst()
            .orElseThrow()
            .getVirtualHosts(0)
            .getRoutes(0);

    assertThat(route.getTypedPerFilterConfigMap()).isEmpty();
  }

  @Test
  void withoutPoliciesNoFilterOrClusterIsAdded() {
    XdsResources resources =
        translate(
            CLUSTER.replace(
                "targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: store}]\n",
                ""));

    assertThat(resources.clusters()).extracting(Cluster::getName).containsExactly("shop/web:http");
  }

  @Test
  void aKeyWithoutASourceIsAnError() {
    String bad = CLUSTER + LIMITS.replace("user: {requestHeader: X-User}\n", "");

    ParseResult result =
        new ResourceParser().parse(List.of(new WatchedDirectory.File("p.yaml", bad)));

    assertThat(((ParseResult.Invalid) result).errors())
        .extracting(ResourceError::toString)
        .contains(
            "p.yaml (document 5) spec.descriptors[0].key: 'user' has no value source: add"
                + " spec.descriptorSources.user (requestHeader or metadata), give the entry a fixed"
                + " value, or use remote_address");
  }

  @Test
  void anOlderPolicyInAnotherDomainKeepsTheRoute() {
    String other =
        "---\n"
            + LIMITS
                .replace("name: per-user", "name: later")
                .replace("domain: shop", "domain: other")
                .replace("2026-01-01", "2026-03-01");
    ClusterState state = parse(CLUSTER + LIMITS + other);

    List<PolicyVerdict> verdicts = FilterAttachments.resolve(state).verdicts();

    assertThat(verdicts)
        .extracting(v -> v.policyKey() + " " + v.reason())
        .containsExactly(
            "shop/store-auth Accepted", "shop/per-user Accepted", "shop/later Conflicted");
  }

  /** A local-only RateLimitPolicy on the route: Envoy's own token bucket (issue #25, part 3). */
  private static final String LOCAL =
      """
      ---
      apiVersion: attache.io/v1alpha1
      kind: RateLimitPolicy
      metadata: {name: flood, namespace: shop, creationTimestamp: "2026-02-01T00:00:00Z"}
      spec:
        domain: shop-local
        targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: store}]
        local: {requests_per_unit: 50, unit: second, burst: 100}
      """;

  private static HttpConnectionManager gatewayManager(XdsResources resources) throws Exception {
    return resources.listeners().stream()
        .filter(l -> l.getName().equals("shop/edge:8000"))
        .findFirst()
        .orElseThrow()
        .getFilterChains(0)
        .getFilters(0)
        .getTypedConfig()
        .unpack(HttpConnectionManager.class);
  }

  /**
   * The local bucket sheds a flood first: Envoy's local_ratelimit filter ahead of ext_authz and
   * ratelimit, off on the listener and on for the targeted route with its bucket, enabled and
   * enforced for every request (Envoy's default is 0 % of requests).
   */
  @Test
  void aLocalLimitPutsEnvoysTokenBucketOnTheRouteAheadOfTheServices() throws Exception {
    XdsResources resources = translate(CLUSTER + LIMITS + LOCAL);

    LocalRateLimit bucket =
        perRoute(
            gatewayRoute(resources), "envoy.filters.http.local_ratelimit", LocalRateLimit.class);

    assertThat(gatewayManager(resources).getHttpFiltersList())
        .extracting(f -> f.getName() + (f.getDisabled() ? " (disabled)" : ""))
        .containsExactly(
            "envoy.filters.http.local_ratelimit (disabled)",
            "envoy.filters.http.ext_authz (disabled)",
            "envoy.filters.http.ratelimit (disabled)",
            "envoy.filters.http.router");
    assertThat(bucket.getTokenBucket().getMaxTokens()).isEqualTo(100);
    assertThat(bucket.getTokenBucket().getTokensPerFill().getValue()).isEqualTo(50);
    assertThat(bucket.getTokenBucket().getFillInterval().getSeconds()).isEqualTo(1);
    assertThat(bucket.getFilterEnabled().getDefaultValue().getNumerator()).isEqualTo(100);
    assertThat(bucket.getFilterEnforced().getDefaultValue().getNumerator()).isEqualTo(100);
    assertThat(bucket.getStatPrefix()).isEqualTo("attache_local_rate_limit");
  }

  /** A policy with only a local limit needs no ratelimit-service: no global filter, no cluster. */
  @Test
  void aLocalOnlyPolicyNeedsNoRateLimitService() throws Exception {
    XdsResources resources = translate(CLUSTER + LOCAL);

    assertThat(gatewayManager(resources).getHttpFiltersList())
        .extracting(f -> f.getName())
        .containsExactly(
            "envoy.filters.http.local_ratelimit",
            "envoy.filters.http.ext_authz",
            "envoy.filters.http.router");
    assertThat(resources.clusters())
        .extracting(Cluster::getName)
        .doesNotContain("attache.ratelimit");
  }

  /**
   * A route's own local limit wins over its Gateway's, and a window below a second becomes Envoy's
   * fill interval as it is.
   */
  @Test
  void aRoutesOwnLocalLimitWinsOverItsGateways() throws Exception {
    String gatewayWide =
        LOCAL
            .replace("name: flood", "name: gateway-flood")
            .replace("kind: HTTPRoute, name: store", "kind: Gateway, name: edge")
            .replace("unit: second, burst: 100", "window: 500ms");

    Route route = gatewayRoute(translate(CLUSTER + gatewayWide + LOCAL));
    Route gatewayOnly = gatewayRoute(translate(CLUSTER + gatewayWide));

    assertThat(
            perRoute(route, "envoy.filters.http.local_ratelimit", LocalRateLimit.class)
                .getTokenBucket()
                .getMaxTokens())
        .isEqualTo(100);
    LocalRateLimit fromGateway =
        perRoute(gatewayOnly, "envoy.filters.http.local_ratelimit", LocalRateLimit.class);
    assertThat(fromGateway.getTokenBucket().getFillInterval().getNanos()).isEqualTo(500_000_000);
    assertThat(fromGateway.getTokenBucket().getMaxTokens()).isEqualTo(50);
  }

  /** One bucket per route: of two policies' local limits on one route the older wins. */
  @Test
  void aSecondLocalLimitOnARouteConflicts() {
    String later =
        LOCAL.replace("name: flood", "name: later-flood").replace("2026-02-01", "2026-04-01");

    List<PolicyVerdict> verdicts =
        FilterAttachments.resolve(parse(CLUSTER + LOCAL + later)).verdicts();

    assertThat(verdicts)
        .extracting(v -> v.policyKey() + " " + v.reason())
        .containsExactly(
            "shop/store-auth Accepted", "shop/flood Accepted", "shop/later-flood Conflicted");
  }

  /** Mistakes Envoy would refuse, or the schema would at admission, are named by field. */
  @Test
  void aLocalLimitEnvoyCouldNotTakeIsAnErrorNamingItsField() {
    String bad =
        CLUSTER
            + LOCAL.replace("unit: second, burst: 100", "window: 10ms")
            + LOCAL
                .replace("name: flood", "name: both")
                .replace("unit: second, burst: 100", "unit: second, window: 5s")
            + LOCAL
                .replace("name: flood", "name: none")
                .replace("requests_per_unit: 50, unit: second, burst: 100", "unit: fortnight")
            + LOCAL
                .replace("name: flood", "name: forever")
                .replace("unit: second, burst: 100", "window: 9999999999m");

    ParseResult result =
        new ResourceParser().parse(List.of(new WatchedDirectory.File("p.yaml", bad)));

    assertThat(((ParseResult.Invalid) result).errors())
        .extracting(ResourceError::toString)
        .contains(
            "p.yaml (document 6) spec.local.window: at least 50ms, the least fill interval Envoy"
                + " takes",
            "p.yaml (document 7) spec.local.window: give unit or window, not both",
            "p.yaml (document 8) spec.local.requests_per_unit: required, 1 to 4294967295",
            "p.yaml (document 8) spec.local.unit: must be second, minute, hour or day",
            "p.yaml (document 9) spec.local.window: at most 24h");
  }

  /** The store route's own RateLimitPolicy, in another domain than the Gateway's. */
  private static final String ROUTE_LIMITS =
      "---\n"
          + LIMITS
              .replace("name: per-user", "name: route-limits")
              .replace("domain: shop", "domain: other")
              .replace("kind: Gateway, name: edge", "kind: HTTPRoute, name: store")
              .replace("2026-01-01", "2026-02-01");

  private static String domainOf(Route route) throws Exception {
    return perRoute(route, "envoy.filters.http.ratelimit", RateLimitPerRoute.class).getDomain();
  }

  private static String message(ClusterState state, String policy) {
    return FilterAttachments.resolve(state).verdicts().stream()
        .filter(v -> v.policyKey().equals(policy))
        .findFirst()
        .orElseThrow()
        .message();
  }

  /**
   * GEP-713, atomic defaults (the default): a route's own policy replaces its Gateway's on it, and
   * the Gateway's policy is told where.
   */
  @Test
  void aRoutesOwnPolicyReplacesItsGatewaysDefaults() throws Exception {
    ClusterState state = parse(CLUSTER + LIMITS + ROUTE_LIMITS);

    assertThat(domainOf(gatewayRoute(translate(CLUSTER + LIMITS + ROUTE_LIMITS))))
        .isEqualTo("other");
    assertThat(message(state, "shop/per-user"))
        .isEqualTo(
            "applied to 1 targets; on HTTPRoute shop/store the route's own policies"
                + " (shop/route-limits) apply instead (AtomicDefaults)");
    assertThat(message(state, "shop/route-limits")).isEqualTo("applied to 1 targets");
  }

  /**
   * GEP-713, atomic overrides: a Gateway's policy with {@code mergeStrategy: AtomicOverrides}
   * replaces its routes' own policies, limits and local bucket alike, and both are told.
   */
  @Test
  void aGatewaysOverridesReplaceItsRoutesOwnPolicies() throws Exception {
    String overriding =
        LIMITS.replace(
            "  domain: shop\n",
            "  domain: shop\n  mergeStrategy: AtomicOverrides\n  local: {requests_per_unit: 9, unit: second}\n");
    String routeWithLocal =
        ROUTE_LIMITS.replace(
            "  domain: other\n",
            "  domain: other\n  local: {requests_per_unit: 1, unit: second}\n");
    ClusterState state = parse(CLUSTER + overriding + routeWithLocal);

    Route route = gatewayRoute(translate(CLUSTER + overriding + routeWithLocal));

    assertThat(domainOf(route)).isEqualTo("shop");
    assertThat(
            perRoute(route, "envoy.filters.http.local_ratelimit", LocalRateLimit.class)
                .getTokenBucket()
                .getMaxTokens())
        .isEqualTo(9);
    assertThat(message(state, "shop/route-limits"))
        .isEqualTo(
            "applied to 1 targets; on HTTPRoute shop/store the policies of Gateway shop/edge"
                + " (shop/per-user) apply instead of its own (AtomicOverrides)");
    assertThat(message(state, "shop/per-user"))
        .isEqualTo(
            "applied to 1 targets; on HTTPRoute shop/store it applies instead of"
                + " shop/route-limits (AtomicOverrides)");
  }

  /**
   * Atomic: a Gateway's overriding policy with limits only replaces a route's policy with a bucket
   * only, bucket included; under defaults the route's bucket-only policy replaces the Gateway's
   * limits too.
   */
  @Test
  void aStrategyDecidesLimitsAndBucketTogether() throws Exception {
    String routeBucketOnly =
        "---\n" + LOCAL.replace("---\n", "").replace("2026-02-01", "2026-03-01");
    String overriding =
        LIMITS.replace("  domain: shop\n", "  domain: shop\n  mergeStrategy: AtomicOverrides\n");

    Route overridden = gatewayRoute(translate(CLUSTER + overriding + routeBucketOnly));
    Route defaulted = gatewayRoute(translate(CLUSTER + LIMITS + routeBucketOnly));

    assertThat(domainOf(overridden)).isEqualTo("shop");
    assertThat(overridden.getTypedPerFilterConfigMap())
        .doesNotContainKey("envoy.filters.http.local_ratelimit");
    assertThat(defaulted.getTypedPerFilterConfigMap())
        .containsKey("envoy.filters.http.local_ratelimit")
        .doesNotContainKey("envoy.filters.http.ratelimit");
  }

  /** A Gateway's policies share one strategy: a newer one asking for the other conflicts. */
  @Test
  void policiesOfOneGatewayWithDifferentStrategiesConflict() {
    String later =
        "---\n"
            + LIMITS
                .replace("name: per-user", "name: later")
                .replace("  domain: shop\n", "  domain: shop\n  mergeStrategy: AtomicOverrides\n")
                .replace("2026-01-01", "2026-03-01");

    List<PolicyVerdict> verdicts =
        FilterAttachments.resolve(parse(CLUSTER + LIMITS + later)).verdicts();

    assertThat(verdicts)
        .extracting(v -> v.policyKey() + " " + v.reason() + " " + v.message())
        .contains(
            "shop/later Conflicted Gateway shop/edge already has policies with mergeStrategy"
                + " AtomicDefaults from an older policy");
  }

  @Test
  void anUnknownMergeStrategyIsAnErrorNamingTheField() {
    String bad =
        CLUSTER
            + LIMITS.replace(
                "  domain: shop\n", "  domain: shop\n  mergeStrategy: PatchDefaults\n");

    ParseResult result =
        new ResourceParser().parse(List.of(new WatchedDirectory.File("p.yaml", bad)));

    assertThat(((ParseResult.Invalid) result).errors())
        .extracting(ResourceError::toString)
        .anyMatch(
            e -> e.endsWith("spec.mergeStrategy: AtomicDefaults or AtomicOverrides (GEP-713)"));
  }

  /**
   * What a rate-limit service would refuse is refused here, naming the field, so one policy cannot
   * make every service NACK the whole RateLimitConfig response (issue #25, part 2).
   */
  @Test
  void aPolicyARateLimitServiceWouldRefuseIsAnErrorHere() {
    String policies =
        """
        apiVersion: attache.io/v1alpha1
        kind: RateLimitPolicy
        metadata: {name: bad, namespace: shop}
        spec:
          domain: bad
          descriptors:
            - {key: user, rate_limit: {unit: minute, requests_per_unit: 1}}
            - {key: user, rate_limit: {unit: hour, requests_per_unit: 1}}
            - {key: path, value: "/a", share_threshold: true}
            - {key: tenant, rate_limit: {name: t, replaces: [{name: t}], unit: second, requests_per_unit: 1}}
            - {key: long, rate_limit: {window: 400d, requests_per_unit: 1}}
            - {key: bucket, rate_limit: {unit: year, requests_per_unit: 1, algorithm: token_bucket, burst: 4000000000}}
        """;

    ParseResult result =
        new ResourceParser().parse(List.of(new WatchedDirectory.File("p.yaml", policies)));

    assertThat(((ParseResult.Invalid) result).errors())
        .extracting(ResourceError::toString)
        .contains(
            "p.yaml (document 1) spec.descriptors[1]: duplicate descriptor key 'user_'",
            "p.yaml (document 1) spec.descriptors[2].share_threshold: only on a value with a wildcard (*)",
            "p.yaml (document 1) spec.descriptors[3].rate_limit.replaces: a limit may not replace itself",
            "p.yaml (document 1) spec.descriptors[4].rate_limit.window: at most a year (365d)",
            "p.yaml (document 1) spec.descriptors[5].rate_limit.burst: burst × window / requests_per_unit is more"
                + " than 2^53 µs");
  }

  /** A Gateway's policy over many routes with their own names five of them, then counts. */
  @Test
  void aPolicysNotesAreBoundedWhateverTheNumberOfRoutes() {
    StringBuilder yaml = new StringBuilder(CLUSTER).append(LIMITS);
    for (int i = 0; i < 7; i++) {
      yaml.append(
          """
          ---
          apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata: {name: r%1$d, namespace: shop}
          spec:
            parentRefs: [{name: edge}]
            rules: [{backendRefs: [{name: web, port: 8080}]}]
          ---
          apiVersion: attache.io/v1alpha1
          kind: RateLimitPolicy
          metadata: {name: own-%1$d, namespace: shop}
          spec:
            domain: own
            targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r%1$d}]
            local: {requests_per_unit: 5, unit: second}
          """
              .formatted(i));
    }

    String message = message(parse(yaml.toString()), "shop/per-user");

    assertThat(message.split("; ")).hasSize(1 + 5 + 1);
    assertThat(message).endsWith("and 2 more routes alike");
  }
}
