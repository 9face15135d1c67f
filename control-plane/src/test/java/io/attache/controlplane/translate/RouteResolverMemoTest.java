package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.ServiceState;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A {@link RouteResolver} remembers how each route resolved, for the objects it resolved against.
 * These tests keep the very route objects and change one other input at a time (a Service, a
 * Gateway, a Namespace's labels, a ReferenceGrant): the resolver that remembered must answer what a
 * fresh one answers. And with nothing but one route changed, the others' rules are the very objects
 * of the resolution before (what makes an HTTPRoute change cheap at 50k routes).
 */
class RouteResolverMemoTest {
  private static final String NAMESPACES =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop, labels: {team: a}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: data}
      """;
  private static final String WEB =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec: {ports: [{port: 8080}]}
      """;
  private static final String DB =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: db, namespace: data}
      spec: {ports: [{port: 5432}]}
      """;
  private static final String GRANT =
      """
      apiVersion: gateway.networking.k8s.io/v1beta1
      kind: ReferenceGrant
      metadata: {name: shop-to-db, namespace: data}
      spec:
        from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: shop}]
        to: [{group: "", kind: Service}]
      """;
  private static final String ROUTES =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: store, namespace: shop}
      spec:
        parentRefs: [{name: edge}]
        hostnames: [store.example.com]
        rules: [{backendRefs: [{name: web, port: 8080}]}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: reports, namespace: shop}
      spec:
        parentRefs: [{name: edge}]
        hostnames: [reports.example.com]
        rules: [{backendRefs: [{name: db, namespace: data, port: 5432}]}]
      """;

  private static String gateway(String hostname) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: shop}
        spec:
          gatewayClassName: attache
          listeners:
            - name: web
              port: 8000
              protocol: HTTP
              hostname: "%s"
              allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {team: a}}}}
        """
        .formatted(hostname);
  }

  private static final ClusterState BEFORE =
      parse(NAMESPACES, WEB, DB, gateway("*.example.com"), ROUTES);

  @Test
  void aChangedServiceIsResolvedAgainForTheRoutesThatStayTheSame() {
    ClusterState portGone =
        parse(NAMESPACES, WEB.replace("8080", "9090"), DB, gateway("*.example.com"), ROUTES);
    assertRemembersNothingStale(s -> s.withServices(portGone.services()));
  }

  @Test
  void aChangedGatewayIsResolvedAgainForTheRoutesThatStayTheSame() {
    ClusterState otherHosts = parse(NAMESPACES, WEB, DB, gateway("*.example.org"), ROUTES);
    assertRemembersNothingStale(s -> s.withGateways(otherHosts.gateways()));
  }

  @Test
  void changedNamespaceLabelsAreResolvedAgainForTheRoutesThatStayTheSame() {
    ClusterState relabelled =
        parse(NAMESPACES.replace("team: a", "team: b"), WEB, DB, gateway("*.example.com"), ROUTES);
    assertRemembersNothingStale(s -> with(s, relabelled, false));
  }

  @Test
  void aNewReferenceGrantIsResolvedAgainForTheRoutesThatStayTheSame() {
    ClusterState granted = parse(NAMESPACES, WEB, DB, GRANT, gateway("*.example.com"), ROUTES);
    assertRemembersNothingStale(s -> with(s, granted, true));
  }

  @Test
  void withOnlyOneRouteChangedTheOthersResolveToTheVeryRulesOfBefore() {
    RouteResolver resolver = new RouteResolver();
    RouteAttachments first = resolver.resolve(BEFORE);
    HttpRouteState store = BEFORE.httpRoutes().get(0);
    HttpRouteState moved =
        parse(NAMESPACES, WEB, DB, gateway("*.example.com"), ROUTES.replace("reports.", "stats."))
            .httpRoutes()
            .get(1);
    ClusterState after = BEFORE.withHttpRoutes(List.of(store, moved));

    RouteAttachments second = resolver.resolve(after);

    assertThat(second).isEqualTo(new RouteResolver().resolve(after));
    assertKeptRule(first, second, "store.example.com");
    assertThat(rules(second, "stats.example.com").get(0).route()).isSameAs(moved);
    assertThat(second.byGatewayPort().values().iterator().next())
        .doesNotContainKey("reports.example.com");
  }

  @Test
  void withOneServiceChangedOnlyTheRoutesNamingItAreResolvedAgain() {
    RouteResolver resolver = new RouteResolver();
    RouteAttachments first = resolver.resolve(BEFORE);
    ClusterState dbMoved =
        parse(NAMESPACES, WEB, DB.replace("5432", "5433"), gateway("*.example.com"), ROUTES);
    ClusterState after =
        BEFORE.withServices(List.of(BEFORE.services().get(0), dbMoved.services().get(1)));

    RouteAttachments second = resolver.resolve(after);

    assertThat(second).isEqualTo(new RouteResolver().resolve(after));
    assertKeptRule(first, second, "store.example.com");
    assertThat(rules(second, "reports.example.com").get(0))
        .isNotSameAs(rules(first, "reports.example.com").get(0));
  }

  @Test
  void anEqualGatewayBuiltAgainKeepsWhatIsRemembered() {
    // GatewayTls builds a Gateway anew on every translation when one of its HTTPS listeners
    // cannot be served.
    RouteResolver resolver = new RouteResolver();
    RouteAttachments first = resolver.resolve(BEFORE);
    ClusterState rebuilt =
        BEFORE.withGateways(
            parse(NAMESPACES, WEB, DB, gateway("*.example.com"), ROUTES).gateways());
    assertThat(rebuilt.gateways().get(0)).isNotSameAs(BEFORE.gateways().get(0));

    RouteAttachments second = resolver.resolve(rebuilt);

    assertThat(second).isEqualTo(first);
    assertKeptRule(first, second, "store.example.com");
  }

  @Test
  void aServiceRemovedAndAnotherAddedChangesOnlyThoseTwo() {
    StringBuilder yaml = new StringBuilder(NAMESPACES + "---\n" + gateway("*.example.com"));
    for (int i = 0; i <= 20; i++) {
      yaml.append("---\n").append(WEB.replace("name: web", "name: s" + (100 + i)));
    }
    yaml.append("---\n").append(ROUTES.replace("name: web, port", "name: s110, port"));
    ClusterState all = ChangeFixture.parse(yaml.toString());
    List<ServiceState> services = all.services();
    ClusterState before = all.withServices(services.subList(0, 20));
    List<ServiceState> shifted = new ArrayList<>(services.subList(1, 20));
    shifted.add(services.get(20));
    RouteResolver resolver = new RouteResolver();
    RouteAttachments first = resolver.resolve(before);

    ClusterState after = before.withServices(shifted);

    RouteAttachments second = resolver.resolve(after);

    assertThat(second).isEqualTo(new RouteResolver().resolve(after));
    assertKeptRule(first, second, "store.example.com");
  }

  @Test
  void resolvingSomeRoutesApartKeepsWhatIsRememberedOfAll() {
    RouteResolver resolver = new RouteResolver();
    RouteAttachments first = resolver.resolve(BEFORE);
    resolver.resolveApart(BEFORE.withHttpRoutes(List.of(BEFORE.httpRoutes().get(1))), false);

    RouteAttachments again = resolver.resolve(BEFORE);

    assertKeptRule(first, again, "store.example.com");
  }

  /**
   * Resolves BEFORE, then the changed state, and compares with a resolver that saw only the latter.
   */
  private static void assertRemembersNothingStale(UnaryOperator<ClusterState> change) {
    RouteResolver resolver = new RouteResolver();
    RouteAttachments before = resolver.resolve(BEFORE);
    ClusterState after = change.apply(BEFORE);
    assertThat(after.httpRoutes()).isSameAs(BEFORE.httpRoutes());

    RouteAttachments remembered = resolver.resolve(after);
    RouteAttachments fresh = new RouteResolver().resolve(after);

    assertThat(remembered).isEqualTo(fresh);
    assertThat(remembered.statuses()).isNotEqualTo(before.statuses());
  }

  /** {@code host}'s first rule in {@code after} is the very object {@code before} resolved. */
  private static void assertKeptRule(RouteAttachments before, RouteAttachments after, String host) {
    assertThat(rules(after, host).get(0)).isSameAs(rules(before, host).get(0));
  }

  private static List<AttachedRule> rules(RouteAttachments attachments, String host) {
    return attachments.byGatewayPort().values().iterator().next().get(host);
  }

  /** {@code state} with the namespaces or the ReferenceGrants of {@code from}. */
  private static ClusterState with(ClusterState state, ClusterState from, boolean grants) {
    return new ClusterState(
        state.services(),
        state.endpoints(),
        state.gateways(),
        state.httpRoutes(),
        state.trafficPolicies(),
        state.attachments(),
        state.secrets(),
        grants ? from.referenceGrants() : state.referenceGrants(),
        grants ? state.namespaces() : from.namespaces(),
        state.backendTls());
  }

  private static ClusterState parse(String... documents) {
    return ChangeFixture.parse(String.join("---\n", documents));
  }
}
