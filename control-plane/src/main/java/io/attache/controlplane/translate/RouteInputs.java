package io.attache.controlplane.translate;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.NamespaceState;
import io.attache.controlplane.model.ReferenceGrantState;
import io.attache.controlplane.model.ServiceKey;
import io.attache.controlplane.model.ServiceState;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a route resolves against, as {@link RouteResolver} remembers it: the same inputs mean the
 * same answers for a route that is the very same object (the states are immutable records). The
 * Services are compared by reference, one by one (50k of them); the few Gateways, grants and
 * Namespaces by value.
 *
 * @param tlsClusters the clusters a BackendTLSPolicy makes originate TLS
 */
record RouteInputs(
    List<ServiceState> services,
    List<GatewayState> gateways,
    List<ReferenceGrantState> grants,
    List<NamespaceState> namespaces,
    Set<String> tlsClusters) {
  static RouteInputs of(ClusterState state) {
    return new RouteInputs(
        state.services(),
        state.gateways(),
        state.referenceGrants(),
        state.namespaces(),
        tlsClusters(state));
  }

  /** Above this many changed places, Services are matched by identity rather than by place. */
  private static final int SHIFTED = 16;

  /**
   * The keys of the Services {@code now} has that are not the very objects of these inputs (or the
   * reverse): empty when all are; null when some other input is not the same.
   */
  Set<ServiceKey> servicesChangedIn(RouteInputs now) {
    if (!sameValues(gateways, now.gateways)
        || !sameValues(grants, now.grants)
        || !sameValues(namespaces, now.namespaces)
        || !tlsClusters.equals(now.tlsClusters)) {
      return null;
    }
    Set<ServiceKey> changed = new HashSet<>();
    if (services.size() == now.services.size()) {
      for (int i = 0; i < services.size(); i++) {
        if (services.get(i) != now.services.get(i)) {
          changed.add(services.get(i).key());
          changed.add(now.services.get(i).key());
        }
      }
      if (changed.size() <= SHIFTED) {
        return changed;
      }
      changed.clear(); // one removed and one added: everything between them moved
    }
    Set<ServiceState> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    kept.addAll(services);
    for (ServiceState service : now.services) {
      if (!kept.remove(service)) {
        changed.add(service.key());
      }
    }
    kept.forEach(service -> changed.add(service.key()));
    return changed;
  }

  /**
   * For the few Gateways, grants and Namespaces: the very objects, or equal ones. A Gateway with an
   * HTTPS listener that cannot be served is a new object on every translation (GatewayTls).
   */
  private static boolean sameValues(List<?> a, List<?> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i) && !a.get(i).equals(b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** The clusters that originate TLS, worked out only when some route needs to know. */
  static Set<String> tlsClusters(ClusterState state) {
    for (HttpRouteState route : state.httpRoutes()) {
      if (!route.extensions().tlsBackends().isEmpty()) {
        return BackendTlsPolicies.resolve(state).clusters();
      }
    }
    return Set.of();
  }

  /** The inputs looked up by name, built once per set of inputs. */
  record Lookup(
      Map<ServiceKey, ServiceState> services,
      Map<String, GatewayState> gateways,
      Map<String, NamespaceState> namespaces,
      ReferenceGrants grants,
      Set<String> tlsClusters) {
    static Lookup of(ClusterState state, Set<String> tlsClusters) {
      return new Lookup(
          state.services().stream()
              .collect(Collectors.toMap(ServiceState::key, Function.identity())),
          state.gateways().stream()
              .collect(Collectors.toMap(GatewayState::key, Function.identity())),
          state.namespaces().stream()
              .collect(Collectors.toMap(NamespaceState::name, Function.identity(), (a, b) -> a)),
          new ReferenceGrants(state.referenceGrants()),
          tlsClusters);
    }

    Lookup withServices(List<ServiceState> now) {
      return new Lookup(
          now.stream().collect(Collectors.toMap(ServiceState::key, Function.identity())),
          gateways,
          namespaces,
          grants,
          tlsClusters);
    }
  }
}
