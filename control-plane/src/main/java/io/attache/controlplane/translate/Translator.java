package io.attache.controlplane.translate;

import com.google.protobuf.Duration;
import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.Endpoint;
import io.attache.controlplane.model.EndpointState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.RouteKind;
import io.attache.controlplane.model.ServiceKey;
import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServiceState;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType;
import io.envoyproxy.envoy.config.cluster.v3.Cluster.EdsClusterConfig;
import io.envoyproxy.envoy.config.cluster.v3.Cluster.LbPolicy;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a {@link ClusterState} into xDS resources. For every TCP port of every Service: an EDS
 * Cluster {@code <namespace>/<service>:<port name or number>} (endpoints over ADS), its load
 * assignment, and a Listener plus RouteConfiguration named {@code <service>.<namespace>:<port>}
 * that routes everything to that cluster, unless HTTPRoutes attach to that Service port: then their
 * rules route it (mesh, GAMMA). Every Gateway port becomes a Listener {@code
 * <namespace>/<gateway>:<port>} with the routes attached through it (see {@link RouteResolver}); an
 * HTTPS port terminates TLS with certificates served over SDS (see {@link GatewayTls}). No I/O; the
 * same input gives equal output. What it keeps between calls (how routes resolved, the Services'
 * API listener names) only saves work.
 */
public final class Translator {
  private static final Duration CONNECT_TIMEOUT = Duration.newBuilder().setSeconds(5).build();

  private final RouteResolver resolver = new RouteResolver();
  private final ServiceChangeTranslation services = new ServiceChangeTranslation(resolver, this);
  private final TranslatorOptions options;

  /** Sending policy-protected routes to ext-authz and ratelimit-service on this host. */
  public Translator() {
    this(TranslatorOptions.LOCAL);
  }

  public Translator(TranslatorOptions options) {
    this.options = options;
  }

  public XdsResources translate(ClusterState state) {
    XdsResources resources = full(state);
    // With assertions on (every test run), each translation is held to the Envoy API's own rules.
    assert EnvoyRules.hold(resources);
    return resources;
  }

  private XdsResources full(ClusterState state) {
    GatewayTls tls = GatewayTls.resolve(state);
    // Routes attach only through served listeners: a listener left out must not route its hosts
    // through a sibling's certificate.
    RouteAttachments attachments = resolver.resolve(tls.servable());
    TrafficPolicies policies = TrafficPolicies.resolve(state);
    BackendTlsPolicies backendTls = BackendTlsPolicies.resolve(state);
    FilterAttachments filters = FilterAttachments.resolve(state);
    List<Cluster> clusters = new ArrayList<>();
    List<ClusterLoadAssignment> assignments = new ArrayList<>();
    List<Listener> listeners = new ArrayList<>();
    List<RouteConfiguration> routes = new ArrayList<>();
    Map<ServiceKey, List<Endpoint>> endpointsByService = state.endpointsByService();
    // Each Service's resources depend on it alone (and on what was resolved above): on all cores.
    List<List<PortResources>> byService =
        Parallel.map(
            state.services(),
            service ->
                portResources(
                    service,
                    endpointsByService.getOrDefault(service.key(), List.of()),
                    attachments,
                    policies,
                    backendTls));
    for (List<PortResources> ports : byService) {
      for (PortResources port : ports) {
        clusters.add(port.cluster());
        assignments.add(port.assignment());
        listeners.add(port.listener());
        routes.add(port.routes());
      }
    }
    attachments
        .byGatewayPort()
        .forEach(
            (port, byHost) -> {
              if (port.protocol().streams()) {
                StreamListeners.listener(port, byHost).ifPresent(listeners::add);
                return;
              }
              listeners.add(GatewayListeners.listener(port, tls.listeners(port), filters));
              routes.add(GatewayListeners.routes(port, byHost, policies, filters));
            });
    if (filters.anyAuth()) {
      clusters.add(
          ServiceClusters.cluster(
              ServiceClusters.EXT_AUTHZ_CLUSTER, options.extAuthzAddress(), options.servicesTls()));
    }
    if (filters.anyRateLimit()) {
      clusters.add(
          ServiceClusters.cluster(
              ServiceClusters.RATE_LIMIT_CLUSTER,
              options.rateLimitAddress(),
              options.servicesTls()));
    }
    if (options.proxylessHosts()) {
      Set<String> serviceHosts = serviceHosts(state);
      Map<String, Listener> hostListeners = new HashMap<>();
      Map<String, RouteConfiguration> hostRoutes = new HashMap<>();
      attachments
          .byGatewayPort()
          .forEach(
              (port, byHost) ->
                  HostApiListeners.build(
                      port, byHost, policies, serviceHosts, hostListeners, hostRoutes));
      listeners.addAll(hostListeners.values());
      routes.addAll(hostRoutes.values());
    }
    clusters.sort(Comparator.comparing(Cluster::getName));
    assignments.sort(Comparator.comparing(ClusterLoadAssignment::getClusterName));
    listeners.sort(Comparator.comparing(Listener::getName));
    routes.sort(Comparator.comparing(RouteConfiguration::getName));
    return new XdsResources(clusters, assignments, listeners, routes, tls.secrets());
  }

  /** What one Service port becomes: its cluster, load assignment and proxyless gRPC view. */
  private record PortResources(
      Cluster cluster,
      ClusterLoadAssignment assignment,
      Listener listener,
      RouteConfiguration routes) {}

  private static List<PortResources> portResources(
      ServiceState service,
      List<Endpoint> endpoints,
      RouteAttachments attachments,
      TrafficPolicies policies,
      BackendTlsPolicies backendTls) {
    List<PortResources> resources = new ArrayList<>(service.ports().size());
    for (ServicePort port : service.ports()) {
      if (port.protocol() != ServicePort.Protocol.TCP) {
        continue;
      }
      String cluster = XdsNames.cluster(service, port);
      String host = XdsNames.host(service, port);
      resources.add(
          new PortResources(
              cluster(cluster, policies, backendTls),
              LoadAssignments.of(cluster, port.name(), endpoints),
              ApiListeners.listener(host),
              serviceRoutes(host, cluster, attachments, policies)));
    }
    return resources;
  }

  /**
   * The same resources as {@code translate(state)}, given {@code previous}, the translation of
   * {@code before}. When the two states differ in endpoints only (an EndpointSlice changed), only
   * the load assignments of the Services whose endpoints changed are built again and every other
   * list is {@code previous}'s own, so a caller may keep what it derived from those (their
   * versions). When they differ in HTTPRoutes only, only the RouteConfigurations (and Gateway
   * Listeners) of the parents the changed routes name, before or after, are built again, and of
   * those only the virtual hosts the changed routes had or have rules in; the other resources are
   * {@code previous}'s very objects. When they differ in Services only, see {@link
   * ServiceChangeTranslation}. Any other change translates {@code state} in full.
   */
  public XdsResources translate(ClusterState state, ClusterState before, XdsResources previous) {
    XdsResources resources = incremental(state, before, previous);
    assert EnvoyRules.hold(resources);
    return resources;
  }

  private XdsResources incremental(ClusterState state, ClusterState before, XdsResources previous) {
    if (state.equalsExceptHttpRoutes(before)) {
      return routesChanged(state, before, previous).orElseGet(() -> translate(state));
    }
    if (state.equalsExceptServices(before)) {
      return services.translate(state, before, previous).orElseGet(() -> translate(state));
    }
    if (!state.equalsExceptEndpoints(before)) {
      return translate(state);
    }
    Set<ServiceKey> touched = changedServices(state.endpoints(), before.endpoints());
    if (touched.isEmpty()) {
      return previous;
    }
    Set<String> names = new HashSet<>();
    touched.forEach(service -> names.add(service.name()));
    Map<ServiceKey, List<Endpoint>> endpoints = endpointsOf(touched, names, state.endpoints());
    Map<String, ClusterLoadAssignment> changed = new HashMap<>();
    for (ServiceState service : state.services()) {
      // The name first: no key is built for the many Services whose endpoints did not change.
      if (!names.contains(service.name()) || !touched.contains(service.key())) {
        continue;
      }
      for (ServicePort port : service.ports()) {
        if (port.protocol() != ServicePort.Protocol.TCP) {
          continue;
        }
        String cluster = XdsNames.cluster(service, port);
        List<Endpoint> now = endpoints.getOrDefault(service.key(), List.of());
        if (changed.put(cluster, LoadAssignments.of(cluster, port.name(), now)) != null) {
          return translate(state); // one name for two Services or ports: as the full way has it
        }
      }
    }
    List<ClusterLoadAssignment> assignments = new ArrayList<>(previous.loadAssignments());
    for (ClusterLoadAssignment assignment : changed.values()) {
      // The list is sorted by cluster name (see translate(state)).
      int at =
          Collections.binarySearch(
              assignments, assignment, Comparator.comparing(ClusterLoadAssignment::getClusterName));
      if (at < 0) {
        return translate(state);
      }
      assignments.set(
          at, assignment.equals(assignments.get(at)) ? assignments.get(at) : assignment);
    }
    return new XdsResources(
        previous.clusters(),
        assignments,
        previous.listeners(),
        previous.routes(),
        previous.secrets());
  }

  /**
   * The Services whose slices differ between {@code now} and {@code before}. A source that keeps
   * unchanged slices as the same objects (the publisher's, the benchmark's) costs one reference
   * comparison per slice; otherwise equal slices are compared by value.
   */
  private static Set<ServiceKey> changedServices(
      List<EndpointState> now, List<EndpointState> before) {
    Set<ServiceKey> touched = new HashSet<>();
    if (now.size() == before.size()) {
      for (int i = 0; i < now.size(); i++) {
        EndpointState slice = now.get(i);
        EndpointState old = before.get(i);
        if (slice != old && !slice.equals(old)) {
          touched.add(slice.serviceKey());
          touched.add(old.serviceKey());
        }
      }
      return touched;
    }
    Map<EndpointState, Integer> counts = new HashMap<>();
    now.forEach(slice -> counts.merge(slice, 1, Integer::sum));
    before.forEach(slice -> counts.merge(slice, -1, Integer::sum));
    counts.forEach(
        (slice, count) -> {
          if (count != 0) {
            touched.add(slice.serviceKey());
          }
        });
    return touched;
  }

  /**
   * The endpoints of each of {@code services} (whose names are {@code names}), across its slices in
   * slice order.
   */
  static Map<ServiceKey, List<Endpoint>> endpointsOf(
      Set<ServiceKey> services, Set<String> names, List<EndpointState> slices) {
    Map<ServiceKey, List<Endpoint>> merged = new HashMap<>();
    for (EndpointState slice : slices) {
      // The name first: no key is built for the many slices of other Services.
      if (names.contains(slice.serviceName()) && services.contains(slice.serviceKey())) {
        merged
            .computeIfAbsent(slice.serviceKey(), key -> new ArrayList<>())
            .addAll(slice.endpoints());
      }
    }
    return merged;
  }

  /**
   * After a change to HTTPRoutes alone: which routes attach where is resolved again (a route may
   * displace another on its parents), and the routes of the changed routes' parents, and the
   * listeners of their Gateways, are built again. Empty when the change reaches further: the
   * ext_authz or rate-limit service is needed by the first route or no longer by the last one.
   */
  private Optional<XdsResources> routesChanged(
      ClusterState state, ClusterState before, XdsResources previous) {
    List<HttpRouteState> changed = changedRoutes(state.httpRoutes(), before.httpRoutes());
    if (changed.isEmpty()) {
      return Optional.of(previous);
    }
    // A TLSRoute or TCPRoute may open or close a Gateway port's listener: translated whole.
    if (changed.stream().anyMatch(r -> r.kind().streams())) {
      return Optional.empty();
    }
    // Checked first: a policy's target route counts even when it attaches nowhere.
    FilterAttachments filters = FilterAttachments.resolve(state);
    if (!sameServicesNeeded(filters, previous, before)) {
      return Optional.empty();
    }
    RouteParents parents = RouteParents.of(changed);
    if (parents.isEmpty()) {
      return Optional.of(previous);
    }
    GatewayTls tls = GatewayTls.resolve(state);
    RouteAttachments attachments = resolver.resolve(tls.servable());
    // An HTTPRoute refused for a GRPCRoute's hostname (or the reverse) depends on routes that did
    // not change: rare enough (a mistake of the operator's) to translate all of it then.
    if (KindConflicts.any(attachments)
        || (bothKinds(before.httpRoutes())
            && KindConflicts.any(
                resolver.resolveApart(GatewayTls.resolve(before).servable(), true)))) {
      return Optional.empty();
    }
    // Each route attaches on its own, so touched holds the hosts the changed routes occupy(-ied).
    Map<String, Listener> listeners = new HashMap<>();
    Map<String, RouteConfiguration> routes = new HashMap<>();
    boolean rebuilt =
        parents.rebuild(
            state,
            previous,
            tls,
            attachments,
            resolver.resolveApart(tls.servable().withHttpRoutes(changed), false),
            TrafficPolicies.resolve(state),
            filters,
            hostsTaken(state),
            listeners,
            routes);
    if (!rebuilt) {
      return Optional.empty();
    }
    List<Listener> newListeners =
        ResourceLists.replaced(previous.listeners(), listeners, Listener::getName);
    List<RouteConfiguration> newRoutes =
        ResourceLists.replaced(previous.routes(), routes, RouteConfiguration::getName);
    if (newListeners == null || newRoutes == null) {
      return Optional.empty();
    }
    return Optional.of(
        new XdsResources(
            previous.clusters(),
            previous.loadAssignments(),
            newListeners,
            newRoutes,
            previous.secrets()));
  }

  /**
   * The names of the Services' own API listeners, which Gateway hosts never take; empty when
   * proxyless hosts are off. Kept for the last Services list seen: a route change keeps the very
   * list, and building the names cost a string per Service port per change.
   */
  Optional<Set<String>> hostsTaken(ClusterState state) {
    if (!options.proxylessHosts()) {
      return Optional.empty();
    }
    return Optional.of(serviceHosts(state));
  }

  private Set<String> serviceHosts(ClusterState state) {
    ServiceHosts last = lastServiceHosts;
    if (last != null && last.services() == state.services()) {
      return last.hosts();
    }
    Set<String> hosts = HostApiListeners.serviceHosts(state);
    lastServiceHosts = new ServiceHosts(state.services(), hosts);
    return hosts;
  }

  /** The Services' API listener names, for one Services list (compared by identity). */
  private record ServiceHosts(List<ServiceState> services, Set<String> hosts) {}

  private volatile ServiceHosts lastServiceHosts;

  /**
   * A Service port's API listener routes: the rules of the HTTPRoutes attached to it (mesh), else
   * everything to its own cluster.
   */
  static RouteConfiguration serviceRoutes(
      String host, String cluster, RouteAttachments attachments, TrafficPolicies policies) {
    List<AttachedRule> attached = attachments.byServiceHost().get(host);
    return attached == null
        ? ApiListeners.routes(host, cluster, policies)
        : ApiListeners.routes(host, attached, policies);
  }

  /**
   * The virtual hosts of a Gateway port's last routes that no changed HTTPRoute had or has rules in
   * ({@code touched}: where the changed routes, old and new versions, attach): their rules are
   * those of unchanged routes, so they are built as before.
   */
  static GatewayListeners.KeptHosts keptHosts(
      XdsResources previous, RouteAttachments.GatewayPort port, RouteAttachments touched) {
    Optional<RouteConfiguration> last =
        ResourceLists.find(previous.routes(), port.xdsName(), RouteConfiguration::getName);
    if (last.isEmpty()) {
      return GatewayListeners.KeptHosts.NONE;
    }
    Set<String> rebuilt = new HashSet<>();
    touched
        .byGatewayPort()
        .getOrDefault(port, Map.of())
        .keySet()
        .forEach(host -> rebuilt.add(port.xdsName() + "/" + host));
    Map<String, VirtualHost> hosts = new HashMap<>();
    last.get().getVirtualHostsList().forEach(h -> hosts.put(h.getName(), h));
    return (name, rules) -> rebuilt.contains(name) ? null : hosts.get(name);
  }

  private static boolean bothKinds(List<HttpRouteState> routes) {
    boolean http = false;
    boolean grpc = false;
    for (HttpRouteState route : routes) {
      http |= route.kind() == RouteKind.HTTP;
      grpc |= route.kind() == RouteKind.GRPC;
    }
    return http && grpc;
  }

  /** The routes in one list and not the other, by value, from both sides. */
  private static List<HttpRouteState> changedRoutes(
      List<HttpRouteState> now, List<HttpRouteState> before) {
    List<HttpRouteState> changed = new ArrayList<>();
    if (now.size() == before.size()) {
      for (int i = 0; i < now.size(); i++) {
        HttpRouteState route = now.get(i);
        HttpRouteState old = before.get(i);
        if (route != old && !route.equals(old)) {
          changed.add(route);
          changed.add(old);
        }
      }
      return changed;
    }
    Set<HttpRouteState> kept = new HashSet<>(before);
    now.stream().filter(route -> !kept.remove(route)).forEach(changed::add);
    changed.addAll(kept);
    return changed;
  }

  /**
   * Whether the ext_authz and rate-limit services are needed as they were when {@code previous} was
   * translated (it has their clusters exactly then), and a local rate limit and the CORS filter as
   * they were in {@code before}; when not, every Gateway listener changes.
   */
  static boolean sameServicesNeeded(
      FilterAttachments filters, XdsResources previous, ClusterState before) {
    return filters.anyAuth() == hasCluster(previous, ServiceClusters.EXT_AUTHZ_CLUSTER)
        && filters.anyRateLimit() == hasCluster(previous, ServiceClusters.RATE_LIMIT_CLUSTER)
        && filters.anyLocalRateLimit()
            == (FilterAttachments.anyLocalPolicy(before)
                && FilterAttachments.resolve(before).anyLocalRateLimit())
        && filters.anyCors() == FilterAttachments.anyCors(before);
  }

  private static boolean hasCluster(XdsResources resources, String name) {
    return ResourceLists.contains(resources.clusters(), name, Cluster::getName);
  }

  static Cluster cluster(String name, TrafficPolicies policies, BackendTlsPolicies tls) {
    Cluster.Builder cluster =
        Cluster.newBuilder()
            .setName(name)
            .setType(DiscoveryType.EDS)
            .setEdsClusterConfig(
                EdsClusterConfig.newBuilder().setEdsConfig(ApiListeners.ads()).setServiceName(name))
            .setConnectTimeout(CONNECT_TIMEOUT)
            .setLbPolicy(LbPolicy.ROUND_ROBIN);
    policies.forCluster(name).ifPresent(policy -> PolicySettings.applyToCluster(cluster, policy));
    tls.forCluster(name).ifPresent(policy -> BackendTlsPolicies.applyTo(cluster, policy));
    return cluster.build();
  }
}
