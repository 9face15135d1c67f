package io.attache.bench.xds;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.Endpoint;
import io.attache.controlplane.model.EndpointState;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.HttpRouteState.BackendRef;
import io.attache.controlplane.model.HttpRouteState.HeaderChanges;
import io.attache.controlplane.model.HttpRouteState.Match;
import io.attache.controlplane.model.HttpRouteState.ParentKind;
import io.attache.controlplane.model.HttpRouteState.ParentRef;
import io.attache.controlplane.model.HttpRouteState.PathMatch;
import io.attache.controlplane.model.HttpRouteState.Rule;
import io.attache.controlplane.model.HttpRouteState.ValueMatch;
import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServiceState;
import io.attache.controlplane.translate.XdsNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A synthetic cluster of a given size, built only through the public model records, shaped like a
 * real one: Services with one HTTP port in namespaces of 100, each with ready endpoints spread over
 * two zones, and HTTPRoutes attached to one shared Gateway, each with its own hostname and a few
 * matches (path prefix plus header, exact path plus method) and a 90/10 canary split.
 * Deterministic: the same sizes give equal states, so runs compare.
 *
 * <p>Service 0 is the <em>hot</em> Service whose EndpointSlice the push benchmark changes; {@link
 * #withHotEndpointsChanged} is that one change and nothing else.
 */
public final class SyntheticCluster {
  private static final int SERVICES_PER_NAMESPACE = 100;
  private static final int SERVICE_PORT = 80;
  private static final int TARGET_PORT = 8080;
  private static final String PORT_NAME = "http";
  private static final List<String> ZONES = List.of("zone-a", "zone-b");
  private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
  private static final GatewayState GATEWAY =
      new GatewayState(
          "gateway-system",
          "edge",
          1,
          List.of(
              new GatewayState.Listener(
                  PORT_NAME,
                  SERVICE_PORT,
                  GatewayState.Protocol.HTTP,
                  Optional.empty(),
                  true,
                  List.of())));

  private SyntheticCluster() {}

  /** {@code services} Services with {@code endpoints} ready endpoints each, and {@code routes}. */
  public static ClusterState build(int services, int endpoints, int routes) {
    if (services < 1 || endpoints < 1 || routes < 0) {
      throw new IllegalArgumentException(
          "sizes: services and endpoints at least 1, routes at least 0; was %d, %d, %d"
              .formatted(services, endpoints, routes));
    }
    List<ServiceState> serviceStates = new ArrayList<>(services);
    List<EndpointState> slices = new ArrayList<>(services);
    for (int i = 0; i < services; i++) {
      serviceStates.add(service(i));
      slices.add(slice(i, endpoints, 0));
    }
    List<HttpRouteState> routeStates = new ArrayList<>(routes);
    for (int i = 0; i < routes; i++) {
      routeStates.add(route(i, services));
    }
    return new ClusterState(serviceStates, slices, List.of(GATEWAY), routeStates);
  }

  /**
   * {@code state} after one EndpointSlice change of the hot Service: its first endpoint moved to a
   * new address ({@code generation} picks which), as when a pod is replaced. Nothing else differs.
   */
  public static ClusterState withHotEndpointsChanged(ClusterState state, int generation) {
    List<EndpointState> slices = new ArrayList<>(state.endpoints());
    EndpointState hot = slices.get(0);
    slices.set(0, slice(0, hot.endpoints().size(), generation));
    return new ClusterState(
        state.services(),
        slices,
        state.gateways(),
        state.httpRoutes(),
        state.trafficPolicies(),
        state.attachments());
  }

  /** The cluster (and load assignment) name of Service {@code index}. */
  /** {@code state} with the first HTTPRoute's hostname changed, {@code generation} in it. */
  public static ClusterState withFirstRouteChanged(ClusterState state, int generation) {
    List<HttpRouteState> routes = new ArrayList<>(state.httpRoutes());
    HttpRouteState first = routes.get(0);
    routes.set(
        0,
        new HttpRouteState(
            first.namespace(),
            first.name(),
            generation,
            first.created(),
            first.parents(),
            List.of("r00000-g%d.example.com".formatted(generation)),
            first.rules()));
    return state.withHttpRoutes(routes);
  }

  /**
   * {@code state} with the first Service given a second port, numbered after {@code generation}.
   */
  public static ClusterState withFirstServiceChanged(ClusterState state, int generation) {
    List<ServiceState> services = new ArrayList<>(state.services());
    ServiceState first = services.get(0);
    services.set(
        0,
        new ServiceState(
            first.namespace(),
            first.name(),
            List.of(
                first.ports().get(0),
                new ServicePort("extra", 10_000 + generation % 50_000, ServicePort.Protocol.TCP))));
    return state.withServices(services);
  }

  /**
   * {@code state} with the Gateway at generation {@code generation}: a change the translator cannot
   * take incrementally, whose output equals the last one's.
   */
  public static ClusterState withGatewayChanged(ClusterState state, int generation) {
    List<GatewayState> gateways = new ArrayList<>(state.gateways());
    GatewayState gateway = gateways.get(0);
    gateways.set(
        0,
        new GatewayState(
            gateway.namespace(),
            gateway.name(),
            generation,
            gateway.created(),
            gateway.listeners(),
            gateway.listenerNames(),
            gateway.notes(),
            gateway.narrowedRouteKinds()));
    return state.withGateways(gateways);
  }

  public static String clusterName(int index) {
    return XdsNames.cluster(service(index), servicePort());
  }

  /** The cluster whose endpoints {@link #withHotEndpointsChanged} changes. */
  public static String hotCluster() {
    return clusterName(0);
  }

  private static ServicePort servicePort() {
    return new ServicePort(PORT_NAME, SERVICE_PORT, ServicePort.Protocol.TCP);
  }

  private static String namespace(int service) {
    return "team-%03d".formatted(service / SERVICES_PER_NAMESPACE);
  }

  private static String name(int service) {
    return "svc-%05d".formatted(service);
  }

  private static ServiceState service(int index) {
    return new ServiceState(namespace(index), name(index), List.of(servicePort()));
  }

  private static EndpointState slice(int service, int endpoints, int generation) {
    List<Endpoint> list = new ArrayList<>(endpoints);
    for (int j = 0; j < endpoints; j++) {
      String address =
          generation > 0 && j == 0
              ? "192.168.%d.%d".formatted(generation / 250 % 250, generation % 250 + 1)
              : ipv4(service * endpoints + j);
      list.add(
          new Endpoint(
              address,
              Map.of(PORT_NAME, TARGET_PORT),
              true,
              Optional.of(ZONES.get(j % ZONES.size()))));
    }
    return new EndpointState(namespace(service), name(service), list);
  }

  /** A distinct 10.0.0.0/8 address per endpoint. */
  private static String ipv4(int index) {
    return "10.%d.%d.%d".formatted((index >> 16) & 0xff, (index >> 8) & 0xff, index & 0xff);
  }

  /**
   * Route {@code index}: to Service {@code index mod services}, with a canary share to its
   * neighbour (same namespace, since namespaces hold an even number of Services).
   */
  private static HttpRouteState route(int index, int services) {
    int service = index % services;
    int canary = (service ^ 1) < services ? service ^ 1 : service;
    String namespace = namespace(service);
    BackendRef stable = new BackendRef(namespace, name(service), SERVICE_PORT, 90);
    BackendRef next = new BackendRef(namespace, name(canary), SERVICE_PORT, 10);
    Rule api =
        rule(
            0,
            List.of(
                new Match(
                    new PathMatch(PathMatch.Type.PREFIX, "/api/v2"),
                    List.of(new ValueMatch("x-tenant", false, "t" + (index % 17))),
                    List.of(),
                    Optional.empty()),
                new Match(
                    new PathMatch(PathMatch.Type.PREFIX, "/api"),
                    List.of(),
                    List.of(),
                    Optional.empty())),
            List.of(stable, next),
            Optional.of(Duration.ofSeconds(15)));
    Rule health =
        rule(
            1,
            List.of(
                new Match(
                    new PathMatch(PathMatch.Type.EXACT, "/healthz"),
                    List.of(),
                    List.of(),
                    Optional.of("GET"))),
            List.of(new BackendRef(namespace, name(service), SERVICE_PORT, 1)),
            Optional.empty());
    return new HttpRouteState(
        namespace,
        "route-%05d".formatted(index),
        1,
        EPOCH.plusSeconds(index),
        List.of(
            new ParentRef(
                ParentKind.GATEWAY,
                GATEWAY.namespace(),
                GATEWAY.name(),
                Optional.of(PORT_NAME),
                OptionalInt.empty())),
        List.of("r%05d.example.com".formatted(index)),
        List.of(api, health));
  }

  private static Rule rule(
      int index, List<Match> matches, List<BackendRef> backends, Optional<Duration> timeout) {
    return new Rule(
        index,
        matches,
        backends,
        HeaderChanges.NONE,
        HeaderChanges.NONE,
        Optional.empty(),
        Optional.empty(),
        List.of(),
        timeout,
        Optional.empty(),
        Optional.empty());
  }
}
