package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.crds.v1alpha1.AuthPolicy;
import io.attache.crds.v1alpha1.RateLimitPolicy;
import io.attache.crds.v1alpha1.TrafficPolicy;
import io.attache.events.InMemoryEventSink;
import io.attache.testsupport.kubernetes.MockApiServer;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Gateways and HTTPRoutes from the Kubernetes API, against fabric8's mock API server in CRUD mode
 * (no kube-apiserver can run here): translated, their last valid version kept through a bad edit,
 * and their status written by the Lease holder.
 */
class KubernetesGatewayApiTest {
  private final MockApiServer api = MockApiServer.start(); // not @EnableKubernetesMockClient
  private final KubernetesClient client = api.newClient();

  private final InMemoryEventSink events = new InMemoryEventSink();
  private MockApiServing serving;

  private static final String GATEWAY =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: shop}
      spec:
        gatewayClassName: attache
        listeners: [{name: web, port: 8000, protocol: HTTP}]
      """;

  private static String route(String path, String backend) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: store, namespace: shop}
        spec:
          parentRefs: [{name: edge}]
          hostnames: [store.example.com]
          rules:
            - matches: [{path: {type: %s}}]
              backendRefs: [{name: %s, port: 8080}]
        """
        .formatted(path, backend);
  }

  private void start() {
    serving =
        MockApiServing.start(
            client, new MockApiServing.Serving(Optional.of("shop"), true, true, false), events);
  }

  @AfterEach
  void stop() {
    MockApiServing.stop(serving, client, api);
  }

  private void apply(String yaml) {
    update((HTTPRoute) Serialization.unmarshal(yaml));
  }

  private void update(io.fabric8.kubernetes.api.model.HasMetadata resource) {
    // The Lease holder may write the object's status between fabric8's read and its write: a 409.
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptionsMatching(
            e -> e instanceof KubernetesClientException conflict && conflict.getCode() == 409)
        .until(
            () -> {
              client.resource(resource).update();
              return true;
            });
  }

  private void create() {
    client.resource(KubernetesResourcesTest.service("shop", "web", 8080)).create();
    client.resource((Gateway) Serialization.unmarshal(GATEWAY)).create();
    client
        .resource((HTTPRoute) Serialization.unmarshal(route("PathPrefix, value: /cart", "web")))
        .create();
  }

  private RouteConfiguration gatewayRoutes() {
    Snapshot snapshot =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> serving.xds().publisher().current().orElse(null),
                s ->
                    s != null
                        && s.routes().resources().containsKey("shop/edge:8000")
                        && s.routes().resources().get("shop/edge:8000").getVirtualHostsCount() > 0);
    return snapshot.routes().resources().get("shop/edge:8000");
  }

  private List<Condition> ourConditions() {
    HTTPRoute route = client.resources(HTTPRoute.class).inNamespace("shop").withName("store").get();
    if (route.getStatus() == null || route.getStatus().getParents() == null) {
      return List.of();
    }
    return route.getStatus().getParents().stream()
        .filter(p -> RouteStatusWriter.CONTROLLER.equals(p.getControllerName()))
        .findFirst()
        .map(RouteParentStatus::getConditions)
        .orElse(List.of());
  }

  private static String describe(List<Condition> conditions) {
    return conditions.stream()
        .map(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .toList()
        .toString();
  }

  @Test
  void aRouteOnAGatewayBecomesAVirtualHostOfItsListener() {
    create();
    start();

    RouteConfiguration routes = gatewayRoutes();

    assertThat(routes.getVirtualHosts(0).getDomainsList()).containsExactly("store.example.com");
    assertThat(routes.getVirtualHosts(0).getRoutesList())
        .extracting(r -> r.getMatch().getPath() + r.getMatch().getPrefix())
        .containsExactly("/cart", "/cart/");
  }

  @Test
  void theLeaseHolderWritesAcceptedAndResolvedRefs() {
    create();
    start();

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(describe(ourConditions()))
                    .isEqualTo("[Accepted=True/Accepted, ResolvedRefs=True/ResolvedRefs]"));
    Lease lease =
        client.leases().inNamespace("shop").withName("attache-control-plane-status").get();
    assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
  }

  @Test
  void aMissingBackendIsReportedInStatus() {
    create();
    start();

    apply(route("PathPrefix, value: /cart", "gone"));

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(describe(ourConditions()))
                    .isEqualTo("[Accepted=True/Accepted, ResolvedRefs=False/BackendNotFound]"));
    assertThat(serving.resources().lastErrors())
        .anyMatch(e -> e.toString().contains("backend Service shop/gone not found"));
  }

  /**
   * A GRPCRoute from the API: served beside the HTTPRoute on its own hostname, and given its own
   * status.parents by the Lease holder.
   */
  @Test
  void aGrpcRouteIsServedAndGetsItsOwnStatus() {
    create();
    client
        .resource(
            (GRPCRoute)
                Serialization.unmarshal(
                    """
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: GRPCRoute
                    metadata: {name: store, namespace: shop, creationTimestamp: "2099-01-01T00:00:00Z"}
                    spec:
                      parentRefs: [{name: edge}]
                      hostnames: [grpc.example.com]
                      rules:
                        - matches: [{method: {service: shop.Store, method: Buy}}]
                          backendRefs: [{name: web, port: 8080}]
                    """))
        .create();
    start();

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              GRPCRoute route =
                  client.resources(GRPCRoute.class).inNamespace("shop").withName("store").get();
              assertThat(route.getStatus()).isNotNull();
              assertThat(
                      describe(
                          route.getStatus().getParents().stream()
                              .filter(
                                  p -> RouteStatusWriter.CONTROLLER.equals(p.getControllerName()))
                              .findFirst()
                              .map(RouteParentStatus::getConditions)
                              .orElse(List.of())))
                  .isEqualTo("[Accepted=True/Accepted, ResolvedRefs=True/ResolvedRefs]");
            });
    assertThat(gatewayRoutes().getVirtualHostsList())
        .flatExtracting(v -> v.getRoutesList())
        .extracting(r -> r.getMatch().getPath())
        .contains("/shop.Store/Buy");
  }

  private String firstRouteTarget() {
    var route = gatewayRoutes().getVirtualHosts(0).getRoutes(0);
    return route.hasDirectResponse()
        ? "direct " + route.getDirectResponse().getStatus()
        : route.getRoute().getCluster();
  }

  /**
   * HTTPRouteReferenceGrant, over the API: a backend in another namespace is refused until a
   * ReferenceGrant there allows it, and withdrawn when the grant is deleted.
   */
  @Test
  void aReferenceGrantLetsARouteUseAnotherNamespacesServiceUntilItIsDeleted() {
    create();
    client.resource(KubernetesResourcesTest.service("backends", "web", 8080)).create();
    start();
    apply(
        route("PathPrefix, value: /cart", "web")
            .replace("{name: web, port: 8080}", "{name: web, namespace: backends, port: 8080}"));
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(firstRouteTarget()).isEqualTo("direct 500");
              assertThat(describe(ourConditions()))
                  .isEqualTo("[Accepted=True/Accepted, ResolvedRefs=False/RefNotPermitted]");
            });

    ReferenceGrant grant =
        (ReferenceGrant)
            Serialization.unmarshal(
                """
                apiVersion: gateway.networking.k8s.io/v1beta1
                kind: ReferenceGrant
                metadata: {name: allow-shop, namespace: backends}
                spec:
                  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: shop}]
                  to: [{group: "", kind: Service, name: web}]
                """);
    client.resource(grant).create();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(firstRouteTarget()).isEqualTo("backends/web:grpc");
              assertThat(describe(ourConditions()))
                  .isEqualTo("[Accepted=True/Accepted, ResolvedRefs=True/ResolvedRefs]");
            });

    client.resource(grant).delete();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(firstRouteTarget()).isEqualTo("direct 500"));
  }

  /**
   * A listener selecting its routes' namespaces by label, over the API: a route in a namespace
   * labelled to match attaches, and is withdrawn when the namespace's label changes.
   */
  @Test
  void aListenersNamespaceSelectorFollowsTheNamespacesLabels() {
    client
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("stores")
                .addToLabels("team", "shop")
                .endMetadata()
                .build())
        .create();
    client.resource(KubernetesResourcesTest.service("stores", "web", 8080)).create();
    client
        .resource(
            (Gateway)
                Serialization.unmarshal(
                    GATEWAY.replace(
                        "protocol: HTTP}]",
                        "protocol: HTTP, allowedRoutes: {namespaces: {from: Selector,"
                            + " selector: {matchLabels: {team: shop}}}}}]")))
        .create();
    client
        .resource(
            (HTTPRoute)
                Serialization.unmarshal(
                    route("PathPrefix, value: /cart", "web")
                        .replace("namespace: shop}", "namespace: stores}")
                        .replace("[{name: edge}]", "[{name: edge, namespace: shop}]")))
        .create();
    start();

    assertThat(firstRouteTarget()).isEqualTo("stores/web:grpc");

    client
        .namespaces()
        .withName("stores")
        .edit(
            n ->
                new NamespaceBuilder(n)
                    .editMetadata()
                    .addToLabels("team", "web")
                    .endMetadata()
                    .build());
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(serving.resources().lastErrors())
                    .anyMatch(e -> e.toString().contains("NotAllowedByListeners")));
  }

  @Test
  void aBadEditKeepsTheLastValidRouteServedAndSaysSo() {
    create();
    start();
    gatewayRoutes();

    apply(route("RegularExpression, value: \"/cart[\"", "web"));

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(describe(ourConditions()))
                    .isEqualTo("[Accepted=False/UnsupportedValue]"));
    assertThat(serving.resources().lastErrors())
        .extracting(ResourceError::toString)
        .contains("HTTPRoute shop/store: the last valid version is still served")
        .anyMatch(
            e -> e.contains("spec.rules[0].matches[0].path.value: invalid regular expression"));
    assertThat(gatewayRoutes().getVirtualHosts(0).getRoutes(0).getMatch().getPath())
        .isEqualTo("/cart");
  }

  private static final String TRAFFIC_POLICY =
      """
      apiVersion: attache.io/v1alpha1
      kind: TrafficPolicy
      metadata: {name: web-lb, namespace: shop}
      spec:
        targetRefs: [{group: "", kind: Service, name: web}]
        loadBalancer: {type: %s}
      """;

  private String policyAccepted() {
    TrafficPolicy policy =
        client.resources(TrafficPolicy.class).inNamespace("shop").withName("web-lb").get();
    return policy.getStatus() == null
        ? ""
        : policy.getStatus().getConditions().stream()
            .map(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
            .toList()
            .toString();
  }

  @Test
  void aTrafficPolicyShapesItsServicesClusterAndIsAccepted() {
    create();
    client
        .resource(
            Serialization.unmarshal(TRAFFIC_POLICY.formatted("LeastRequest"), TrafficPolicy.class))
        .create();
    start();

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(
                      serving
                          .xds()
                          .publisher()
                          .current()
                          .map(s -> s.clusters().resources().get("shop/web:grpc"))
                          .map(c -> c.getLbPolicy().name())
                          .orElse(""))
                  .isEqualTo("LEAST_REQUEST");
              assertThat(policyAccepted()).isEqualTo("[Accepted=True/Accepted]");
            });
  }

  @Test
  void anInvalidTrafficPolicyIsNotAccepted() {
    create();
    client
        .resource(Serialization.unmarshal(TRAFFIC_POLICY.formatted("Fastest"), TrafficPolicy.class))
        .create();
    start();

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(policyAccepted()).isEqualTo("[Accepted=False/Invalid]"));
  }

  @Test
  void anAuthPolicyTargetingTheRouteTurnsExtAuthzOnAndReportsResolvedRefs() {
    create();
    client
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: attache.io/v1alpha1
                kind: AuthPolicy
                metadata: {name: store-auth, namespace: shop}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: store}]
                  identity: [{anonymous: {}}]
                """,
                AuthPolicy.class))
        .create();
    start();

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(
                      gatewayRoutes().getVirtualHosts(0).getRoutes(0).getTypedPerFilterConfigMap())
                  .containsKey("envoy.filters.http.ext_authz");
              AuthPolicy policy =
                  client
                      .resources(AuthPolicy.class)
                      .inNamespace("shop")
                      .withName("store-auth")
                      .get();
              assertThat(policy.getStatus().getConditions())
                  .extracting(c -> c.getType() + "=" + c.getStatus())
                  .containsExactly("ResolvedRefs=True");
            });
  }

  private static String rateLimitPolicy(String name, String target, String extra) {
    return """
        apiVersion: attache.io/v1alpha1
        kind: RateLimitPolicy
        metadata: {name: %s, namespace: shop}
        spec:
          domain: %s
          targetRefs: [{group: gateway.networking.k8s.io, %s}]
        %s
          descriptors:
            - key: remote_address
              rate_limit: {unit: second, requests_per_unit: 10}
        """
        .formatted(name, name, target, extra.indent(2).stripTrailing());
  }

  private String resolvedRefsMessage(String policy) {
    RateLimitPolicy read =
        client.resources(RateLimitPolicy.class).inNamespace("shop").withName(policy).get();
    return read.getStatus() == null
        ? ""
        : read.getStatus().getConditions().stream()
            .filter(c -> c.getType().equals("ResolvedRefs"))
            .map(c -> c.getStatus() + " " + c.getMessage())
            .findFirst()
            .orElse("");
  }

  /**
   * GEP-713's merge strategies, as the Lease holder writes them: a Gateway's AtomicOverrides policy
   * and the route's own policy each say, in their ResolvedRefs message, which applies on the route.
   */
  @Test
  void theStatusOfBothPoliciesSaysWhichAppliesOnTheRoute() {
    create();
    client
        .resource(
            Serialization.unmarshal(
                rateLimitPolicy(
                    "edge-limits", "kind: Gateway, name: edge", "mergeStrategy: AtomicOverrides"),
                RateLimitPolicy.class))
        .create();
    client
        .resource(
            Serialization.unmarshal(
                rateLimitPolicy("store-limits", "kind: HTTPRoute, name: store", ""),
                RateLimitPolicy.class))
        .create();
    start();

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(resolvedRefsMessage("store-limits"))
                  .isEqualTo(
                      "True applied to 1 targets; on HTTPRoute shop/store the policies of Gateway"
                          + " shop/edge (shop/edge-limits) apply instead of its own"
                          + " (AtomicOverrides)");
              assertThat(resolvedRefsMessage("edge-limits"))
                  .isEqualTo(
                      "True applied to 1 targets; on HTTPRoute shop/store it applies instead of"
                          + " shop/store-limits (AtomicOverrides)");
            });
  }

  @Test
  void aGatewayOfAnotherClassIsIgnored() {
    client
        .resource(
            (Gateway)
                Serialization.unmarshal(
                    GATEWAY.replace("gatewayClassName: attache", "gatewayClassName: other")))
        .create();
    start();

    Snapshot snapshot =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> serving.xds().publisher().current().orElse(null), s -> s != null);

    assertThat(snapshot.listeners().resources()).isEmpty();
  }

  /**
   * gateway-api apis/v1/shared_types.go, RouteStatus.parents: "Implementations of this API can only
   * populate Route status for the Gateways/parent resources they are responsible for." A route
   * naming our Gateway and another class's gets our entry for ours only.
   */
  @Test
  void aParentOfAnotherClassGetsNoStatusEntryOfOurs() {
    client.resource(KubernetesResourcesTest.service("shop", "web", 8080)).create();
    client.resource((Gateway) Serialization.unmarshal(GATEWAY)).create();
    client
        .resource(
            (Gateway)
                Serialization.unmarshal(
                    GATEWAY
                        .replace("gatewayClassName: attache", "gatewayClassName: other")
                        .replace("name: edge", "name: theirs")))
        .create();
    // Both parentRefs from the start, so no status written for an earlier version can pass.
    client
        .resource(
            (HTTPRoute)
                Serialization.unmarshal(
                    route("PathPrefix, value: /cart", "web")
                        .replace(
                            "parentRefs: [{name: edge}]",
                            "parentRefs: [{name: edge}, {name: theirs}]")))
        .create();
    start();

    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreException(NullPointerException.class) // no status written yet
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .resources(HTTPRoute.class)
                            .inNamespace("shop")
                            .withName("store")
                            .get()
                            .getStatus()
                            .getParents())
                    .filteredOn(p -> RouteStatusWriter.CONTROLLER.equals(p.getControllerName()))
                    .extracting(p -> p.getParentRef().getName())
                    .containsExactly("edge"));
  }

  private Gateway gateway() {
    return client.resources(Gateway.class).inNamespace("shop").withName("edge").get();
  }

  private String gatewayConditions() {
    Gateway gateway = gateway();
    return gateway.getStatus() == null || gateway.getStatus().getConditions() == null
        ? ""
        : describe(gateway.getStatus().getConditions());
  }

  private String listenerStatus(String name) {
    Gateway gateway = gateway();
    if (gateway.getStatus() == null || gateway.getStatus().getListeners() == null) {
      return "";
    }
    return gateway.getStatus().getListeners().stream()
        .filter(l -> l.getName().equals(name))
        .findFirst()
        .map(
            l ->
                l.getAttachedRoutes()
                    + " routes, kinds "
                    + l.getSupportedKinds().stream().map(k -> k.getKind()).toList()
                    + " "
                    + describe(l.getConditions()))
        .orElse("");
  }

  @Test
  void theLeaseHolderWritesTheGatewaysConditionsAndEachListenersStatus() {
    create();
    start();

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(gatewayConditions())
                  .isEqualTo("[Accepted=True/Accepted, Programmed=True/Programmed]");
              assertThat(listenerStatus("web"))
                  .isEqualTo(
                      "1 routes, kinds [HTTPRoute, GRPCRoute] [Accepted=True/Accepted,"
                          + " Conflicted=False/NoConflicts, ResolvedRefs=True/ResolvedRefs,"
                          + " Programmed=True/Programmed]");
            });
    assertThat(gateway().getStatus().getConditions())
        .allSatisfy(
            c ->
                assertThat(c.getObservedGeneration())
                    .isEqualTo(gateway().getMetadata().getGeneration()));

    // Written once: the informer's echo of the write does not cause another.
    String version = gateway().getMetadata().getResourceVersion();
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> gateway().getMetadata().getResourceVersion().equals(version));
  }

  @Test
  void anUnsupportedListenerIsReportedWhileTheOthersAreServed() {
    create();
    start();
    gatewayRoutes();

    update(
        (Gateway)
            Serialization.unmarshal(
                GATEWAY.replace(
                    "listeners: [{name: web, port: 8000, protocol: HTTP}]",
                    "listeners: [{name: web, port: 8000, protocol: HTTP},"
                        + " {name: raw, port: 9000, protocol: UDP}]")));

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(gatewayConditions())
                  .isEqualTo("[Accepted=True/ListenersNotValid, Programmed=True/Programmed]");
              assertThat(listenerStatus("raw"))
                  .isEqualTo(
                      "0 routes, kinds [] [Accepted=False/UnsupportedProtocol,"
                          + " Conflicted=False/NoConflicts, ResolvedRefs=True/ResolvedRefs,"
                          + " Programmed=False/Invalid]");
              assertThat(listenerStatus("web")).startsWith("1 routes");
            });
    assertThat(gatewayRoutes().getVirtualHosts(0).getDomainsList())
        .containsExactly("store.example.com");
    assertThat(serving.resources().lastErrors())
        .extracting(ResourceError::toString)
        .anyMatch(e -> e.startsWith("Gateway shop/edge spec.listeners[1].protocol: must be HTTP"));
  }

  /**
   * GatewayInvalidParametersRef: a Gateway naming infrastructure parameters, which this control
   * plane does not read, is Accepted=False with reason InvalidParameters (gateway-api
   * apis/v1/gateway_types.go, GatewayReasonInvalidParameters), and its last valid version stays
   * served.
   */
  @Test
  void aGatewayNamingInfrastructureParametersIsNotAccepted() {
    create();
    start();
    gatewayRoutes();

    update(
        (Gateway)
            Serialization.unmarshal(
                GATEWAY.replace(
                    "listeners: [{name: web, port: 8000, protocol: HTTP}]",
                    "listeners: [{name: web, port: 8000, protocol: HTTP}]\n"
                        + "  infrastructure: {parametersRef: {group: invalid.io, kind:"
                        + " InvalidParameters, name: invalid}}")));

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> assertThat(gatewayConditions()).startsWith("[Accepted=False/InvalidParameters"));
    assertThat(gatewayRoutes().getVirtualHosts(0).getDomainsList())
        .containsExactly("store.example.com");
  }

  private List<Long> gatewayObservedGenerations() {
    Gateway gateway = gateway();
    return gateway.getStatus() == null || gateway.getStatus().getConditions() == null
        ? List.of()
        : gateway.getStatus().getConditions().stream()
            .map(Condition::getObservedGeneration)
            .distinct()
            .toList();
  }

  private List<String> listenerNames() {
    Gateway gateway = gateway();
    return gateway.getStatus() == null || gateway.getStatus().getListeners() == null
        ? List.of()
        : gateway.getStatus().getListeners().stream().map(l -> l.getName()).toList();
  }

  /**
   * GatewayObservedGenerationBump and GatewayModifyListeners: an edit that adds a listener bumps
   * the Gateway's generation (the mock API server does so in CRUD mode, as the API server does) and
   * is reported at the new generation with the new listener served; removing it again takes it out
   * of the status and of what Envoy is served.
   */
  @Test
  void aGatewayEditIsReportedAtItsGenerationWithItsListeners() {
    create();
    start();
    long first = gateway().getMetadata().getGeneration();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(gatewayObservedGenerations()).containsExactly(first));

    update(
        (Gateway)
            Serialization.unmarshal(
                GATEWAY.replace(
                    "listeners: [{name: web, port: 8000, protocol: HTTP}]",
                    "listeners: [{name: web, port: 8000, protocol: HTTP},"
                        + " {name: extra, port: 8001, protocol: HTTP}]")));
    long second = gateway().getMetadata().getGeneration();
    assertThat(second).isGreaterThan(first);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(gatewayObservedGenerations()).containsExactly(second);
              assertThat(listenerNames()).containsExactly("web", "extra");
              assertThat(listenerStatus("extra")).contains("Programmed=True/Programmed");
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                serving
                    .xds()
                    .publisher()
                    .current()
                    .orElseThrow()
                    .listeners()
                    .resources()
                    .containsKey("shop/edge:8001"));

    update((Gateway) Serialization.unmarshal(GATEWAY));
    long third = gateway().getMetadata().getGeneration();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(gatewayObservedGenerations()).containsExactly(third);
              assertThat(listenerNames()).containsExactly("web");
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                !serving
                    .xds()
                    .publisher()
                    .current()
                    .orElseThrow()
                    .listeners()
                    .resources()
                    .containsKey("shop/edge:8001"));
  }

  /**
   * HTTPRouteObservedGenerationBump: a route edit bumps its generation and is reported at the new
   * one.
   */
  @Test
  void aRouteEditIsReportedAtItsGeneration() {
    create();
    start();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(describe(ourConditions())).contains("Accepted=True"));
    long first =
        client
            .resources(HTTPRoute.class)
            .inNamespace("shop")
            .withName("store")
            .get()
            .getMetadata()
            .getGeneration();

    apply(route("PathPrefix, value: /basket", "web"));
    long edited =
        client
            .resources(HTTPRoute.class)
            .inNamespace("shop")
            .withName("store")
            .get()
            .getMetadata()
            .getGeneration();

    assertThat(edited).isGreaterThan(first);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(ourConditions())
                    .extracting(Condition::getObservedGeneration)
                    .containsOnly(edited));
  }

  private void createGatewayClass(String name, String controller) {
    client
        .resource(
            (GatewayClass)
                Serialization.unmarshal(
                    """
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: GatewayClass
                    metadata: {name: %s, generation: 2}
                    spec: {controllerName: %s}
                    """
                        .formatted(name, controller)))
        .create();
  }

  @Test
  void ourGatewayClassIsAcceptedAndAnotherControllersIsLeftAlone() {
    createGatewayClass("attache", "attache.io/gateway-controller");
    createGatewayClass("other", "example.com/other");
    start();

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              GatewayClass ours = client.resources(GatewayClass.class).withName("attache").get();
              assertThat(ours.getStatus()).isNotNull();
              assertThat(describe(ours.getStatus().getConditions()))
                  .isEqualTo("[Accepted=True/Accepted]");
              assertThat(ours.getStatus().getConditions().get(0).getObservedGeneration())
                  .isEqualTo(ours.getMetadata().getGeneration());
            });
    GatewayClass other = client.resources(GatewayClass.class).withName("other").get();
    assertThat(other.getStatus() == null || other.getStatus().getConditions() == null).isTrue();
  }

  /**
   * GatewayClassObservedGenerationBump: an edit of our GatewayClass bumps its generation and its
   * Accepted condition follows.
   */
  @Test
  void aGatewayClassEditIsReportedAtItsGeneration() {
    createGatewayClass("attache", "attache.io/gateway-controller");
    start();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                client.resources(GatewayClass.class).withName("attache").get().getStatus() != null);

    GatewayClass edited = client.resources(GatewayClass.class).withName("attache").get();
    long before = edited.getMetadata().getGeneration();
    edited.getSpec().setDescription("edited");
    update(edited);
    long after =
        client
            .resources(GatewayClass.class)
            .withName("attache")
            .get()
            .getMetadata()
            .getGeneration();

    assertThat(after).isGreaterThan(before);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .resources(GatewayClass.class)
                            .withName("attache")
                            .get()
                            .getStatus()
                            .getConditions()
                            .get(0)
                            .getObservedGeneration())
                    .isEqualTo(after));
  }

  /**
   * A TLSRoute and a TCPRoute from the API: their Gateway's TLS and TCP ports become TCP proxy
   * listeners, and each route gets its own status.parents.
   */
  @Test
  void tlsAndTcpRoutesAreServedAndGetTheirStatus() {
    client.resource(KubernetesResourcesTest.service("shop", "db", 5432)).create();
    for (String yaml :
        List.of(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: streams, namespace: shop}
            spec:
              gatewayClassName: attache
              listeners:
              - {name: tls, port: 8443, protocol: TLS, tls: {mode: Passthrough}}
              - {name: tcp, port: 9000, protocol: TCP}
            """,
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: TLSRoute
            metadata: {name: db, namespace: shop}
            spec:
              parentRefs: [{name: streams, sectionName: tls}]
              hostnames: [db.example.com]
              rules: [{backendRefs: [{name: db, port: 5432}]}]
            """,
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: TCPRoute
            metadata: {name: db, namespace: shop}
            spec:
              parentRefs: [{name: streams, sectionName: tcp}]
              rules: [{backendRefs: [{name: db, port: 5432}]}]
            """)) {
      client
          .resource((io.fabric8.kubernetes.api.model.HasMetadata) Serialization.unmarshal(yaml))
          .create();
    }
    start();

    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions() // no snapshot yet, no status yet
        .untilAsserted(
            () -> {
              var listeners =
                  serving.xds().publisher().current().orElseThrow().listeners().resources();
              assertThat(listeners).containsKeys("shop/streams:8443", "shop/streams:9000");
              for (Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind :
                  List.of(
                      io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute.class,
                      io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute.class)) {
                var route = client.resources(kind).inNamespace("shop").withName("db").get();
                Object status = route.getClass().getMethod("getStatus").invoke(route);
                assertThat(status).as(kind.getSimpleName()).isNotNull();
                @SuppressWarnings("unchecked")
                List<RouteParentStatus> parents =
                    (List<RouteParentStatus>)
                        status.getClass().getMethod("getParents").invoke(status);
                assertThat(describe(parents.get(0).getConditions()))
                    .as(kind.getSimpleName())
                    .isEqualTo("[Accepted=True/Accepted, ResolvedRefs=True/ResolvedRefs]");
              }
            });
  }
}
