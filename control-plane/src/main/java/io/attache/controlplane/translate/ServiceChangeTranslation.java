package io.attache.controlplane.translate;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.Endpoint;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.ServiceKey;
import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServiceState;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A change to Services alone, translated from the last translation: the clusters, load assignments,
 * API listeners and routes of the changed Services are built again (those of a removed Service
 * dropped, those of a new one added), and the HTTPRoutes that name a changed Service (as backend,
 * mirror or parent) are treated as changed, so their parents' routes are built again as after a
 * route change. Everything else is the last translation's very objects.
 */
final class ServiceChangeTranslation {
  private final RouteResolver resolver;
  private final Translator translator;

  ServiceChangeTranslation(RouteResolver resolver, Translator translator) {
    this.resolver = resolver;
    this.translator = translator;
  }

  /**
   * Empty when the change reaches further than this path follows: the ext_authz or rate-limit
   * service needed or no longer needed, or two Services' ports that would share a cluster name.
   */
  Optional<XdsResources> translate(ClusterState state, ClusterState before, XdsResources previous) {
    Set<ServiceKey> changed = changedServices(state.services(), before.services());
    if (changed.isEmpty()) {
      return Optional.of(previous);
    }
    List<HttpRouteState> routes =
        state.httpRoutes().stream()
            .filter(route -> RouteResolver.namesAnyOf(route, changed))
            .toList();
    GatewayTls tls = GatewayTls.resolve(state);
    TrafficPolicies policies = TrafficPolicies.resolve(state);
    FilterAttachments filters = FilterAttachments.resolve(state);
    if (!Translator.sameServicesNeeded(filters, previous, before)) {
      return Optional.empty();
    }
    RouteAttachments attachments = resolver.resolve(tls.servable());
    Rebuilt rebuilt = new Rebuilt();
    if (!services(state, before, changed, policies, attachments, rebuilt)) {
      return Optional.empty();
    }
    Optional<Set<String>> hostsTaken = translator.hostsTaken(state);
    if (hostsTaken.isPresent() && takesAGatewayHost(rebuilt, attachments)) {
      return Optional.empty();
    }
    RouteParents parents = RouteParents.of(routes);
    // A changed Service's own routes are built above.
    parents.services().removeAll(changed);
    boolean built =
        parents.rebuild(
            state,
            previous,
            tls,
            attachments,
            resolver.resolveApart(tls.servable().withHttpRoutes(routes), true),
            policies,
            filters,
            hostsTaken,
            rebuilt.listeners,
            rebuilt.routes);
    return built ? Optional.of(rebuilt.applyTo(previous)) : Optional.empty();
  }

  /**
   * The changed Services' own resources: built for their new versions, and the names of their old
   * versions' resources that are gone. False when a new name belongs to an unchanged Service.
   */
  private static boolean services(
      ClusterState state,
      ClusterState before,
      Set<ServiceKey> changed,
      TrafficPolicies policies,
      RouteAttachments attachments,
      Rebuilt rebuilt) {
    BackendTlsPolicies backendTls = BackendTlsPolicies.resolve(state);
    Set<String> oldClusters = new HashSet<>();
    Set<String> oldHosts = new HashSet<>();
    for (ServiceState service : before.services()) {
      if (changed.contains(service.key())) {
        forTcpPorts(
            service,
            (host, cluster, port) -> {
              oldClusters.add(cluster);
              oldHosts.add(host);
            });
      }
    }
    Set<String> names = new HashSet<>();
    changed.forEach(key -> names.add(key.name()));
    Map<ServiceKey, List<Endpoint>> endpoints =
        Translator.endpointsOf(changed, names, state.endpoints());
    for (ServiceState service : state.services()) {
      if (!changed.contains(service.key())) {
        continue;
      }
      List<Endpoint> own = endpoints.getOrDefault(service.key(), List.of());
      forTcpPorts(
          service,
          (host, cluster, port) -> {
            if (rebuilt.clusters.put(cluster, Translator.cluster(cluster, policies, backendTls))
                != null) {
              rebuilt.collided = true;
            }
            rebuilt.assignments.put(cluster, LoadAssignments.of(cluster, port.name(), own));
            rebuilt.listeners.put(host, ApiListeners.listener(host));
            rebuilt.routes.put(
                host, Translator.serviceRoutes(host, cluster, attachments, policies));
          });
    }
    oldClusters.removeAll(rebuilt.clusters.keySet());
    oldHosts.removeAll(rebuilt.listeners.keySet());
    rebuilt.removedClusters.addAll(oldClusters);
    rebuilt.removedHosts.addAll(oldHosts);
    return !rebuilt.collided && newNamesAreOwn(rebuilt, before, changed);
  }

  /** A name a changed Service now builds must not be one an unchanged Service already has. */
  private static boolean newNamesAreOwn(
      Rebuilt rebuilt, ClusterState before, Set<ServiceKey> changed) {
    Set<String> owned = new HashSet<>();
    for (ServiceState service : before.services()) {
      if (!changed.contains(service.key())) {
        forTcpPorts(
            service,
            (host, cluster, port) -> {
              if (rebuilt.clusters.containsKey(cluster) || rebuilt.listeners.containsKey(host)) {
                owned.add(cluster);
              }
            });
      }
    }
    return owned.isEmpty();
  }

  /**
   * Whether a changed Service's API listener name, old or new, is one a Gateway host could have
   * (HostApiListeners): which of the two has it then changes, which only a whole translation gets
   * right.
   */
  private static boolean takesAGatewayHost(Rebuilt rebuilt, RouteAttachments attachments) {
    // Few names changed, few ports: each name is looked up rather than every host named.
    List<String> names = new ArrayList<>(rebuilt.listeners.keySet());
    names.addAll(rebuilt.removedHosts);
    for (String name : names) {
      int colon = name.lastIndexOf(':');
      String hostname = name.substring(0, colon);
      for (var entry : attachments.byGatewayPort().entrySet()) {
        if (HostApiListeners.name(hostname, entry.getKey()).equals(name)
            && entry.getValue().containsKey(hostname)) {
          return true;
        }
      }
    }
    return false;
  }

  /** What this change builds anew, by name, and what it drops. */
  private static final class Rebuilt {
    final Map<String, Cluster> clusters = new HashMap<>();
    final Map<String, ClusterLoadAssignment> assignments = new HashMap<>();
    final Map<String, Listener> listeners = new HashMap<>();
    final Map<String, RouteConfiguration> routes = new HashMap<>();
    final Set<String> removedClusters = new HashSet<>();
    final Set<String> removedHosts = new HashSet<>();
    boolean collided;

    XdsResources applyTo(XdsResources previous) {
      return new XdsResources(
          ResourceLists.merged(previous.clusters(), clusters, removedClusters, Cluster::getName),
          ResourceLists.merged(
              previous.loadAssignments(),
              assignments,
              removedClusters,
              ClusterLoadAssignment::getClusterName),
          ResourceLists.merged(previous.listeners(), listeners, removedHosts, Listener::getName),
          ResourceLists.merged(
              previous.routes(), routes, removedHosts, RouteConfiguration::getName),
          previous.secrets());
    }
  }

  private interface PortVisitor {
    void visit(String host, String cluster, ServicePort port);
  }

  private static void forTcpPorts(ServiceState service, PortVisitor visitor) {
    for (ServicePort port : service.ports()) {
      if (port.protocol() == ServicePort.Protocol.TCP) {
        visitor.visit(XdsNames.host(service, port), XdsNames.cluster(service, port), port);
      }
    }
  }

  /** The keys of the Services in one list and not the other, by value, from both sides. */
  private static Set<ServiceKey> changedServices(
      List<ServiceState> now, List<ServiceState> before) {
    Set<ServiceKey> changed = new HashSet<>();
    if (now.size() == before.size()) {
      for (int i = 0; i < now.size(); i++) {
        if (now.get(i) != before.get(i) && !now.get(i).equals(before.get(i))) {
          changed.add(now.get(i).key());
          changed.add(before.get(i).key());
        }
      }
      return changed;
    }
    Set<ServiceState> kept = new HashSet<>(before);
    for (ServiceState service : new ArrayList<>(now)) {
      if (!kept.remove(service)) {
        changed.add(service.key());
      }
    }
    kept.forEach(service -> changed.add(service.key()));
    return changed;
  }
}
