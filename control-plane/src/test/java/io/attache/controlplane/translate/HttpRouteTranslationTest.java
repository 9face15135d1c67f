package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.HttpRouteState.BackendRef;
import io.attache.controlplane.model.HttpRouteState.Header;
import io.attache.controlplane.model.HttpRouteState.HeaderChanges;
import io.attache.controlplane.model.HttpRouteState.Match;
import io.attache.controlplane.model.HttpRouteState.ParentKind;
import io.attache.controlplane.model.HttpRouteState.ParentRef;
import io.attache.controlplane.model.HttpRouteState.PathMatch;
import io.attache.controlplane.model.HttpRouteState.PathModifier;
import io.attache.controlplane.model.HttpRouteState.Rule;
import io.attache.controlplane.model.HttpRouteState.ValueMatch;
import io.attache.controlplane.model.RouteStatus;
import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServiceState;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Gateway API HTTPRoutes and Gateways, translated to Envoy routes: one behaviour per test. */
class HttpRouteTranslationTest {
  private static final ServiceState WEB = service("web", 8080);
  private static final ServiceState WEB_V2 = service("web-v2", 8080);
  private static final ParentRef TO_WEB =
      new ParentRef(ParentKind.SERVICE, "shop", "web", Optional.empty(), OptionalInt.empty());
  private static final ParentRef TO_GATEWAY =
      new ParentRef(ParentKind.GATEWAY, "shop", "edge", Optional.empty(), OptionalInt.empty());
  private static final BackendRef V1 = new BackendRef("shop", "web", 8080, 1);
  private static final BackendRef V2 = new BackendRef("shop", "web-v2", 8080, 1);

  private final Translator translator = new Translator();

  private static ServiceState service(String name, int port) {
    return new ServiceState(
        "shop", name, List.of(new ServicePort("http", port, ServicePort.Protocol.TCP)));
  }

  private static Rule rule(int index, List<Match> matches, List<BackendRef> backends) {
    return new Rule(
        index,
        matches,
        backends,
        HeaderChanges.NONE,
        HeaderChanges.NONE,
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  private static Match path(PathMatch.Type type, String value) {
    return new Match(new PathMatch(type, value), List.of(), List.of(), Optional.empty());
  }

  private static HttpRouteState route(
      String name, List<ParentRef> parents, List<String> hosts, Rule... rules) {
    return new HttpRouteState("shop", name, 1, Instant.EPOCH, parents, hosts, List.of(rules));
  }

  private static GatewayState gateway(GatewayState.Listener... listeners) {
    return new GatewayState("shop", "edge", 1, List.of(listeners));
  }

  private static GatewayState.Listener http(String name, int port, String hostname, boolean all) {
    return new GatewayState.Listener(
        name, port, GatewayState.Protocol.HTTP, Optional.ofNullable(hostname), all, List.of());
  }

  private List<Route> serviceRoutes(HttpRouteState... routes) {
    XdsResources resources =
        translator.translate(
            new ClusterState(List.of(WEB, WEB_V2), List.of(), List.of(), List.of(routes)));
    RouteConfiguration config =
        resources.routes().stream()
            .filter(r -> r.getName().equals("web.shop:8080"))
            .findFirst()
            .orElseThrow();
    return config.getVirtualHosts(0).getRoutesList();
  }

  private static Route only(List<Route> routes) {
    assertThat(routes).hasSize(1);
    return routes.get(0);
  }

  @Test
  void aPrefixMatchesWholeSegmentsAsAnExactPathAndASlashPrefix() {
    List<Route> routes =
        serviceRoutes(
            route(
                "r",
                List.of(TO_WEB),
                List.of(),
                rule(0, List.of(path(PathMatch.Type.PREFIX, "/api/")), List.of(V1))));

    assertThat(routes).extracting(r -> r.getMatch().getPath()).containsExactly("/api", "");
    assertThat(routes).extracting(r -> r.getMatch().getPrefix()).containsExactly("", "/api/");
  }

  @Test
  void theRootPrefixIsOnePrefixRoute() {
    Route route =
        only(
            serviceRoutes(route("r", List.of(TO_WEB), List.of(), rule(0, List.of(), List.of(V1)))));

    assertThat(route.getMatch().getPrefix()).isEqualTo("/");
    assertThat(route.getRoute().getCluster()).isEqualTo("shop/web:http");
  }

  @Test
  void routesAreOrderedByGatewayApiPrecedence() {
    Match withMethod =
        new Match(
            new PathMatch(PathMatch.Type.PREFIX, "/a"), List.of(), List.of(), Optional.of("GET"));
    Match withHeaders =
        new Match(
            new PathMatch(PathMatch.Type.PREFIX, "/a"),
            List.of(new ValueMatch("x", false, "1")),
            List.of(),
            Optional.empty());
    List<Route> routes =
        serviceRoutes(
            route(
                "older",
                List.of(TO_WEB),
                List.of(),
                rule(0, List.of(path(PathMatch.Type.PREFIX, "/a")), List.of(V1)),
                rule(1, List.of(path(PathMatch.Type.PREFIX, "/abc")), List.of(V1)),
                rule(2, List.of(withHeaders), List.of(V1)),
                rule(3, List.of(path(PathMatch.Type.EXACT, "/z")), List.of(V1)),
                rule(4, List.of(withMethod), List.of(V1)),
                rule(5, List.of(path(PathMatch.Type.REGULAR_EXPRESSION, "/r.*")), List.of(V1))));

    assertThat(routes)
        .extracting(Route::getName)
        .containsExactly(
            "shop/older/rule/3/match/0",
            "shop/older/rule/5/match/0",
            "shop/older/rule/1/match/0",
            "shop/older/rule/1/match/0",
            "shop/older/rule/4/match/0",
            "shop/older/rule/4/match/0",
            "shop/older/rule/2/match/0",
            "shop/older/rule/2/match/0",
            "shop/older/rule/0/match/0",
            "shop/older/rule/0/match/0");
  }

  @Test
  void anOlderRouteWinsATie() {
    HttpRouteState newer =
        new HttpRouteState(
            "shop",
            "a-newer",
            1,
            Instant.parse("2026-01-02T00:00:00Z"),
            List.of(TO_WEB),
            List.of(),
            List.of(rule(0, List.of(), List.of(V2))));
    HttpRouteState older =
        new HttpRouteState(
            "shop",
            "z-older",
            1,
            Instant.parse("2026-01-01T00:00:00Z"),
            List.of(TO_WEB),
            List.of(),
            List.of(rule(0, List.of(), List.of(V1))));

    List<Route> routes = serviceRoutes(newer, older);

    assertThat(routes.get(0).getRoute().getCluster()).isEqualTo("shop/web:http");
  }

  @Test
  void headerQueryAndMethodMatchesBecomeEnvoyMatchers() {
    Match match =
        new Match(
            new PathMatch(PathMatch.Type.EXACT, "/x"),
            List.of(
                new ValueMatch("x-canary", false, "true"),
                new ValueMatch("x-user", true, "u-[0-9]+")),
            List.of(new ValueMatch("debug", false, "1")),
            Optional.of("POST"));
    Route route =
        only(
            serviceRoutes(
                route("r", List.of(TO_WEB), List.of(), rule(0, List.of(match), List.of(V1)))));

    assertThat(route.getMatch().getHeadersList())
        .extracting(
            h ->
                h.getName()
                    + "="
                    + h.getStringMatch().getExact()
                    + h.getStringMatch().getSafeRegex().getRegex())
        .containsExactly("x-canary=true", "x-user=u-[0-9]+", ":method=POST");
    assertThat(route.getMatch().getQueryParameters(0).getName()).isEqualTo("debug");
    assertThat(route.getMatch().getQueryParameters(0).getStringMatch().getExact()).isEqualTo("1");
  }

  @Test
  void weightedBackendsSplitTraffic() {
    Route route =
        only(
            serviceRoutes(
                route(
                    "r",
                    List.of(TO_WEB),
                    List.of(),
                    rule(
                        0,
                        List.of(),
                        List.of(
                            new BackendRef("shop", "web", 8080, 90),
                            new BackendRef("shop", "web-v2", 8080, 10))))));

    assertThat(route.getRoute().getWeightedClusters().getClustersList())
        .extracting(c -> c.getName() + "=" + c.getWeight().getValue())
        .containsExactly("shop/web:http=90", "shop/web-v2:http=10");
  }

  /**
   * A Service's routes are for proxyless gRPC clients only, and grpc-java refuses a whole
   * RouteConfiguration with a direct response in it ("with unknown action type",
   * XdsRouteConfigureResource.parseRoute): a rule without backends names a cluster no one serves,
   * whose calls the client fails UNAVAILABLE (and Envoy would answer 500).
   */
  @Test
  void aRuleWithoutBackendsAnswers500() {
    Route route =
        only(serviceRoutes(route("r", List.of(TO_WEB), List.of(), rule(0, List.of(), List.of()))));

    assertThat(route.hasDirectResponse()).isFalse();
    assertThat(route.getRoute().getCluster()).isEqualTo(EnvoyRoutes.UNRESOLVED_BACKEND);
    assertThat(route.getRoute().getClusterNotFoundResponseCode())
        .isEqualTo(RouteAction.ClusterNotFoundResponseCode.INTERNAL_SERVER_ERROR);
  }

  @Test
  void theShareOfAMissingBackendAnswers500AndIsReported() {
    ClusterState state =
        new ClusterState(
            List.of(WEB),
            List.of(),
            List.of(),
            List.of(
                route(
                    "r",
                    List.of(TO_WEB),
                    List.of(),
                    rule(0, List.of(), List.of(V1, new BackendRef("shop", "gone", 80, 1))))));

    Route route = translator.translate(state).routes().get(0).getVirtualHosts(0).getRoutes(0);
    RouteStatus status = new RouteResolver().resolve(state).statuses().get(0);

    assertThat(route.getRoute().getWeightedClusters().getClustersList())
        .extracting(c -> c.getName())
        .containsExactly("shop/web:http", EnvoyRoutes.UNRESOLVED_BACKEND);
    assertThat(route.getRoute().getClusterNotFoundResponseCode())
        .isEqualTo(RouteAction.ClusterNotFoundResponseCode.INTERNAL_SERVER_ERROR);
    assertThat(status.accepted().status()).isTrue();
    assertThat(status.resolvedRefs().status()).isFalse();
    assertThat(status.resolvedRefs().reason()).isEqualTo("BackendNotFound");
    assertThat(status.resolvedRefs().message()).contains("shop/gone not found");
  }

  /**
   * gateway-api apis/v1/httproute_types.go (HTTPRouteRule.backendRefs): "When a HTTPBackendRef is
   * invalid, 500 status codes MUST be returned for requests that would have otherwise been routed
   * to an invalid backend"; apis/v1/shared_types.go: ResolvedRefs reason InvalidKind for "a
   * reference to an unknown or unsupported Group and/or Kind". The route stays accepted.
   */
  @Test
  void aBackendOfAnotherKindKeepsItsShareAnswered500WithInvalidKind() {
    BackendRef bucket =
        new BackendRef("shop", "bucket", 0, 1, Optional.of("storage.example.com/Bucket"));
    ClusterState state =
        new ClusterState(
            List.of(WEB),
            List.of(),
            List.of(),
            List.of(
                route("r", List.of(TO_WEB), List.of(), rule(0, List.of(), List.of(V1, bucket)))));

    Route route = translator.translate(state).routes().get(0).getVirtualHosts(0).getRoutes(0);
    RouteStatus status = new RouteResolver().resolve(state).statuses().get(0);

    assertThat(route.getRoute().getWeightedClusters().getClustersList())
        .extracting(c -> c.getName())
        .containsExactly("shop/web:http", EnvoyRoutes.UNRESOLVED_BACKEND);
    assertThat(route.getRoute().getClusterNotFoundResponseCode())
        .isEqualTo(RouteAction.ClusterNotFoundResponseCode.INTERNAL_SERVER_ERROR);
    assertThat(status.accepted().status()).isTrue();
    assertThat(status.resolvedRefs().status()).isFalse();
    assertThat(status.resolvedRefs().reason()).isEqualTo("InvalidKind");
  }

  /**
   * gateway-api apis/v1/shared_types.go, RouteReasonNotAllowedByListeners: the route "has not been
   * accepted by a Gateway because the Gateway has no Listener whose allowedRoutes criteria permit
   * the route". A listener whose kinds leave HTTPRoute out exists: its parent is no missing one.
   */
  @Test
  void aListenerThatAllowsNoHttpRouteRefusesTheRouteAsNotAllowedByListeners() {
    GatewayState grpcOnly =
        new GatewayState(
            "shop",
            "edge",
            1,
            Instant.EPOCH,
            List.of(http("web", 8000, null, false), http("grpc", 8001, null, false)),
            List.of("web", "grpc"),
            List.of(),
            java.util.Map.of(
                "grpc", java.util.Set.of(io.attache.controlplane.model.RouteKind.GRPC)));
    ParentRef toGrpc =
        new ParentRef(ParentKind.GATEWAY, "shop", "edge", Optional.of("grpc"), OptionalInt.empty());
    ClusterState state =
        new ClusterState(
            List.of(WEB),
            List.of(),
            List.of(grpcOnly),
            List.of(route("r", List.of(toGrpc), List.of(), rule(0, List.of(), List.of(V1)))));

    RouteStatus status = new RouteResolver().resolve(state).statuses().get(0);

    assertThat(status.accepted().status()).isFalse();
    assertThat(status.accepted().reason()).isEqualTo("NotAllowedByListeners");
  }

  /**
   * gateway-api apis/v1/httproute_types.go, PathMatchType PathPrefix: "When specified, a trailing
   * `/` is ignored", so /api/ and /api are the same prefix, and the next criterion (more header
   * matches) decides, not the extra slash.
   */
  @Test
  void aTrailingSlashDoesNotMakeAPrefixLonger() {
    Match slash = path(PathMatch.Type.PREFIX, "/api/");
    Match withHeader =
        new Match(
            new PathMatch(PathMatch.Type.PREFIX, "/api"),
            List.of(new ValueMatch("x-canary", false, "true")),
            List.of(),
            Optional.empty());

    List<Route> routes =
        serviceRoutes(
            route(
                "r", List.of(TO_WEB), List.of(), rule(0, List.of(slash, withHeader), List.of(V1))));

    assertThat(routes.get(0).getMatch().getHeadersCount()).isEqualTo(1);
  }

  @Test
  void aBackendInAnotherNamespaceIsRefused() {
    ClusterState state =
        new ClusterState(
            List.of(WEB),
            List.of(),
            List.of(),
            List.of(
                route(
                    "r",
                    List.of(TO_WEB),
                    List.of(),
                    rule(0, List.of(), List.of(new BackendRef("other", "web", 8080, 1))))));

    RouteStatus status = new RouteResolver().resolve(state).statuses().get(0);

    assertThat(status.resolvedRefs().reason()).isEqualTo("RefNotPermitted");
  }

  @Test
  void headerModifiersSetAddAndRemove() {
    HeaderChanges request =
        new HeaderChanges(
            List.of(new Header("x-env", "prod")),
            List.of(new Header("x-via", "attache")),
            List.of("x-debug"));
    HeaderChanges response = new HeaderChanges(List.of(), List.of(), List.of("server"));
    Rule rule =
        new Rule(
            0,
            List.of(),
            List.of(V1),
            request,
            response,
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    Route route = only(serviceRoutes(route("r", List.of(TO_WEB), List.of(), rule)));

    assertThat(route.getRequestHeadersToAddList())
        .extracting(h -> h.getHeader().getKey() + ":" + h.getAppendAction())
        .containsExactly(
            "x-env:" + HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD,
            "x-via:" + HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD);
    assertThat(route.getRequestHeadersToRemoveList()).containsExactly("x-debug");
    assertThat(route.getResponseHeadersToRemoveList()).containsExactly("server");
  }

  @Test
  void aRedirectReplacingThePrefixKeepsTheSegmentSlash() {
    HttpRouteState.Redirect redirect =
        new HttpRouteState.Redirect(
            Optional.of("https"),
            Optional.of("new.example.com"),
            Optional.of(new PathModifier(PathModifier.Type.REPLACE_PREFIX_MATCH, "/v2")),
            OptionalInt.of(8443),
            301);
    List<Route> routes =
        gatewayRoutes(redirectRule(List.of(path(PathMatch.Type.PREFIX, "/v1")), redirect));

    RedirectAction exact = routes.get(0).getRedirect();
    RedirectAction prefix = routes.get(1).getRedirect();
    assertThat(exact.getSchemeRedirect()).isEqualTo("https");
    assertThat(exact.getHostRedirect()).isEqualTo("new.example.com");
    assertThat(exact.getPortRedirect()).isEqualTo(8443);
    assertThat(exact.getResponseCode())
        .isEqualTo(RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY);
    assertThat(exact.getPrefixRewrite()).isEqualTo("/v2");
    assertThat(prefix.getPrefixRewrite()).isEqualTo("/v2/");
  }

  /**
   * The routes of one rule carry one action object where their actions are equal (a translation's
   * objects all survive into the snapshot, where the garbage collector copies each): a path
   * prefix's two routes and the rule's other matches. A prefix rewrite differs by the slash after
   * the matched prefix, so those two keep their own.
   */
  @Test
  void aRulesRoutesShareEqualActionsOnly() {
    Rule split =
        rule(
            0,
            List.of(path(PathMatch.Type.PREFIX, "/a"), path(PathMatch.Type.PREFIX, "/b")),
            List.of(V1, V2));
    List<Route> routes = gatewayRoutes(split);
    assertThat(routes).hasSize(4);
    assertThat(routes)
        .extracting(Route::getRoute)
        .allSatisfy(a -> assertThat(a).isSameAs(routes.get(0).getRoute()));
    assertThat(routes.get(0).getRoute().getWeightedClusters().getClustersCount()).isEqualTo(2);

    Rule rewritten =
        new Rule(
            0,
            List.of(path(PathMatch.Type.PREFIX, "/v1")),
            List.of(V1),
            HeaderChanges.NONE,
            HeaderChanges.NONE,
            Optional.empty(),
            Optional.of(
                new HttpRouteState.Rewrite(
                    Optional.empty(),
                    Optional.of(new PathModifier(PathModifier.Type.REPLACE_PREFIX_MATCH, "/v2")))),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    List<Route> rewrites = gatewayRoutes(rewritten);
    assertThat(rewrites)
        .extracting(r -> r.getRoute().getPrefixRewrite())
        .containsExactly("/v2", "/v2/");
  }

  private List<Route> gatewayRoutes(Rule rule) {
    return gatewayResources(
            gateway(http("web", 8000, null, false)),
            route("r", List.of(TO_GATEWAY), List.of(), rule))
        .routes()
        .stream()
        .filter(r -> r.getName().equals("shop/edge:8000"))
        .findFirst()
        .orElseThrow()
        .getVirtualHosts(0)
        .getRoutesList();
  }

  /**
   * On a Service's routes (proxyless clients only) a redirect fails the call: gRPC follows none,
   * and grpc-java refuses a whole RouteConfiguration holding one (XdsRouteConfigureResource:
   * "unknown action type").
   */
  @Test
  void aRedirectOnAServicesRoutesFailsTheCallUnavailable() {
    HttpRouteState.Redirect redirect =
        new HttpRouteState.Redirect(
            Optional.of("https"), Optional.empty(), Optional.empty(), OptionalInt.empty(), 301);
    Rule rule = redirectRule(redirect);

    List<Route> routes = serviceRoutes(route("r", List.of(TO_WEB), List.of(), rule));

    assertThat(routes).noneMatch(Route::hasRedirect);
    assertThat(routes.get(0).getRoute().getCluster()).isEqualTo(EnvoyRoutes.UNRESOLVED_BACKEND);
  }

  @Test
  void aRewriteChangesHostAndFullPath() {
    HttpRouteState.Rewrite rewrite =
        new HttpRouteState.Rewrite(
            Optional.of("internal.svc"),
            Optional.of(new PathModifier(PathModifier.Type.REPLACE_FULL_PATH, "/health")));
    Rule rule =
        new Rule(
            0,
            List.of(),
            List.of(V1),
            HeaderChanges.NONE,
            HeaderChanges.NONE,
            Optional.empty(),
            Optional.of(rewrite),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    RouteAction action =
        only(serviceRoutes(route("r", List.of(TO_WEB), List.of(), rule))).getRoute();

    assertThat(action.getHostRewriteLiteral()).isEqualTo("internal.svc");
    assertThat(action.getRegexRewrite().getPattern().getRegex()).isEqualTo("^/.*$");
    assertThat(action.getRegexRewrite().getSubstitution()).isEqualTo("/health");
  }

  @Test
  void aMirrorSendsItsFractionToTheMirrorCluster() {
    Rule rule =
        new Rule(
            0,
            List.of(),
            List.of(V1),
            HeaderChanges.NONE,
            HeaderChanges.NONE,
            Optional.empty(),
            Optional.empty(),
            List.of(new HttpRouteState.Mirror(V2, 1, 4)),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    RouteAction action =
        only(serviceRoutes(route("r", List.of(TO_WEB), List.of(), rule))).getRoute();

    assertThat(action.getRequestMirrorPolicies(0).getCluster()).isEqualTo("shop/web-v2:http");
    FractionalPercent share =
        action.getRequestMirrorPolicies(0).getRuntimeFraction().getDefaultValue();
    assertThat(share.getNumerator()).isEqualTo(250_000);
    assertThat(share.getDenominator()).isEqualTo(FractionalPercent.DenominatorType.MILLION);
  }

  @Test
  void timeoutsAndRetriesBecomeTheRouteActionsPolicies() {
    Rule rule =
        new Rule(
            0,
            List.of(),
            List.of(V1),
            HeaderChanges.NONE,
            HeaderChanges.NONE,
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Optional.of(Duration.ofSeconds(10)),
            Optional.of(Duration.ofMillis(2500)),
            Optional.of(
                new HttpRouteState.Retry(
                    List.of(503), OptionalInt.of(3), Optional.of(Duration.ofMillis(100)))));

    RouteAction action =
        only(serviceRoutes(route("r", List.of(TO_WEB), List.of(), rule))).getRoute();

    assertThat(action.getTimeout().getSeconds()).isEqualTo(10);
    assertThat(action.getRetryPolicy().getPerTryTimeout().getNanos()).isEqualTo(500_000_000);
    assertThat(action.getRetryPolicy().getNumRetries().getValue()).isEqualTo(3);
    assertThat(action.getRetryPolicy().getRetryOn()).contains("retriable-status-codes");
    assertThat(action.getRetryPolicy().getRetriableStatusCodesList()).containsExactly(503);
    assertThat(action.getRetryPolicy().getRetryBackOff().getBaseInterval().getNanos())
        .isEqualTo(100_000_000);
  }

  @Test
  void aBackendTimeoutAloneDoesNotRetry() {
    Rule rule =
        new Rule(
            0,
            List.of(),
            List.of(V1),
            HeaderChanges.NONE,
            HeaderChanges.NONE,
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Optional.empty(),
            Optional.of(Duration.ofSeconds(1)),
            Optional.empty());

    RouteAction action =
        only(serviceRoutes(route("r", List.of(TO_WEB), List.of(), rule))).getRoute();

    assertThat(action.getRetryPolicy().getNumRetries().getValue()).isZero();
    assertThat(action.getRetryPolicy().getPerTryTimeout().getSeconds()).isEqualTo(1);
  }

  @Test
  void aServiceWithoutRoutesKeepsItsCatchAllRoute() {
    Route route = only(serviceRoutes());

    assertThat(route.getRoute().getCluster()).isEqualTo("shop/web:http");
  }

  private XdsResources gatewayResources(GatewayState gateway, HttpRouteState... routes) {
    return translator.translate(
        new ClusterState(List.of(WEB, WEB_V2), List.of(), List.of(gateway), List.of(routes)));
  }

  @Test
  void aGatewayPortBecomesAnEnvoyListenerWithRoutesOverAds() {
    XdsResources resources =
        gatewayResources(
            gateway(http("web", 8000, null, false)),
            route(
                "r",
                List.of(TO_GATEWAY),
                List.of("shop.example.com"),
                rule(0, List.of(), List.of(V1))));

    Listener listener =
        resources.listeners().stream()
            .filter(l -> l.getName().equals("shop/edge:8000"))
            .findFirst()
            .orElseThrow();
    RouteConfiguration routes =
        resources.routes().stream()
            .filter(r -> r.getName().equals("shop/edge:8000"))
            .findFirst()
            .orElseThrow();

    assertThat(listener.getAddress().getSocketAddress().getPortValue()).isEqualTo(8000);
    assertThat(listener.getAddress().getSocketAddress().getAddress()).isEqualTo("0.0.0.0");
    assertThat(routes.getVirtualHostsList())
        .flatExtracting(VirtualHost::getDomainsList)
        .containsExactly("shop.example.com");
    assertThat(routes.getVirtualHosts(0).getRoutes(0).getRoute().getCluster())
        .isEqualTo("shop/web:http");
  }

  /** A rule that answers {@code redirect}, matching every path. */
  private static Rule redirectRule(HttpRouteState.Redirect redirect) {
    return redirectRule(List.of(), redirect);
  }

  /** A rule that answers {@code redirect} on {@code matches}. */
  private static Rule redirectRule(List<Match> matches, HttpRouteState.Redirect redirect) {
    return new Rule(
        0,
        matches,
        List.of(),
        HeaderChanges.NONE,
        HeaderChanges.NONE,
        Optional.of(redirect),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  private RedirectAction gatewayRedirect(
      int listenerPort, Optional<String> scheme, Optional<String> hostname, OptionalInt port) {
    HttpRouteState.Redirect redirect =
        new HttpRouteState.Redirect(scheme, hostname, Optional.empty(), port, 302);
    Rule rule = redirectRule(redirect);
    XdsResources resources =
        gatewayResources(
            gateway(http("web", listenerPort, null, false)),
            route("r", List.of(TO_GATEWAY), List.of(), rule));
    return resources.routes().stream()
        .filter(r -> r.getName().equals("shop/edge:" + listenerPort))
        .findFirst()
        .orElseThrow()
        .getVirtualHosts(0)
        .getRoutes(0)
        .getRedirect();
  }

  /**
   * gateway-api apis/v1/httproute_types.go, HTTPRequestRedirectFilter.port: "If redirect scheme is
   * empty, the redirect port MUST be the Gateway Listener port." Envoy's host_redirect alone would
   * write the Location without a port.
   */
  @Test
  void aRedirectWithoutSchemeOrPortKeepsTheListenerPort() {
    RedirectAction redirect =
        gatewayRedirect(
            8000, Optional.empty(), Optional.of("new.example.com"), OptionalInt.empty());

    assertThat(redirect.getPortRedirect()).isEqualTo(8000);
  }

  /**
   * Same field: "If redirect scheme is not-empty, the redirect port MUST be the well-known port
   * associated with the redirect scheme", and the Location SHOULD NOT carry 443 for https. On a
   * listener at 80 Envoy drops the request's port itself when the scheme changes, so none is set.
   */
  @Test
  void aSchemeRedirectOnPort80GoesToTheWellKnownPortWithoutNamingIt() {
    RedirectAction redirect =
        gatewayRedirect(80, Optional.of("https"), Optional.empty(), OptionalInt.empty());

    assertThat(redirect.getSchemeRedirect()).isEqualTo("https");
    assertThat(redirect.getPortRedirect()).isZero();
  }

  /**
   * On a listener at 8000 the request's Host carries :8000, which Envoy would keep for an https
   * redirect; the spec's port is 443, so it is named.
   */
  @Test
  void aSchemeRedirectFromAnotherPortGoesTo443() {
    RedirectAction redirect =
        gatewayRedirect(8000, Optional.of("https"), Optional.empty(), OptionalInt.empty());

    assertThat(redirect.getPortRedirect()).isEqualTo(443);
  }

  /** "SHOULD NOT add the port number ... HTTP _and_ use port 80": with a new host, none is set. */
  @Test
  void anExplicitWellKnownPortIsLeftOutOfTheLocation() {
    RedirectAction redirect =
        gatewayRedirect(
            8000, Optional.of("http"), Optional.of("new.example.com"), OptionalInt.of(80));

    assertThat(redirect.getPortRedirect()).isZero();
  }

  @Test
  void routeHostnamesAreNarrowedToTheListenerWildcard() {
    XdsResources resources =
        gatewayResources(
            gateway(http("web", 8000, "*.example.com", false)),
            route(
                "r",
                List.of(TO_GATEWAY),
                List.of("a.example.com", "b.other.org", "*.example.com"),
                rule(0, List.of(), List.of(V1))));

    RouteConfiguration routes =
        resources.routes().stream()
            .filter(r -> r.getName().equals("shop/edge:8000"))
            .findFirst()
            .orElseThrow();

    assertThat(routes.getVirtualHostsList())
        .flatExtracting(VirtualHost::getDomainsList)
        .containsExactlyInAnyOrder("a.example.com", "*.example.com");
  }

  @Test
  void aRouteWithNoHostnameInCommonIsNotAccepted() {
    ClusterState state =
        new ClusterState(
            List.of(WEB),
            List.of(),
            List.of(gateway(http("web", 8000, "a.example.com", false))),
            List.of(
                route(
                    "r",
                    List.of(TO_GATEWAY),
                    List.of("b.example.com"),
                    rule(0, List.of(), List.of(V1)))));

    RouteStatus status = new RouteResolver().resolve(state).statuses().get(0);

    assertThat(status.accepted().status()).isFalse();
    assertThat(status.accepted().reason()).isEqualTo("NoMatchingListenerHostname");
  }

  @Test
  void aRouteFromAnotherNamespaceNeedsAListenerAllowingAll() {
    HttpRouteState foreign =
        new HttpRouteState(
            "other",
            "r",
            1,
            Instant.EPOCH,
            List.of(TO_GATEWAY),
            List.of(),
            List.of(rule(0, List.of(), List.of())));
    ClusterState same =
        new ClusterState(
            List.of(),
            List.of(),
            List.of(gateway(http("web", 8000, null, false))),
            List.of(foreign));
    ClusterState all =
        new ClusterState(
            List.of(),
            List.of(),
            List.of(gateway(http("web", 8000, null, true))),
            List.of(foreign));

    assertThat(new RouteResolver().resolve(same).statuses().get(0).accepted().reason())
        .isEqualTo("NotAllowedByListeners");
    assertThat(new RouteResolver().resolve(all).statuses().get(0).accepted().status()).isTrue();
  }

  @Test
  void aSectionNameAttachesToThatListenerOnly() {
    ParentRef admin =
        new ParentRef(
            ParentKind.GATEWAY, "shop", "edge", Optional.of("admin"), OptionalInt.empty());
    XdsResources resources =
        gatewayResources(
            gateway(http("web", 8000, null, false), http("admin", 9000, null, false)),
            route("r", List.of(admin), List.of(), rule(0, List.of(), List.of(V1))));

    assertThat(
            resources.routes().stream()
                .filter(r -> r.getName().equals("shop/edge:9000"))
                .findFirst()
                .orElseThrow()
                .getVirtualHostsCount())
        .isEqualTo(1);
    assertThat(
            resources.routes().stream()
                .filter(r -> r.getName().equals("shop/edge:8000"))
                .findFirst()
                .orElseThrow()
                .getVirtualHostsCount())
        .isZero();
  }

  @Test
  void aMissingParentIsReported() {
    ClusterState state =
        new ClusterState(
            List.of(),
            List.of(),
            List.of(),
            List.of(route("r", List.of(TO_GATEWAY), List.of(), rule(0, List.of(), List.of()))));

    RouteStatus status = new RouteResolver().resolve(state).statuses().get(0);

    assertThat(status.accepted().reason()).isEqualTo("NoMatchingParent");
  }
}
