package io.attache.controlplane.translate;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.ServiceKey;
import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServiceState;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parents some HTTPRoutes name (Gateways by {@code <namespace>/<name>}, mesh Services), whose
 * routes, and Gateway listeners, an incremental translation builds again when those routes changed
 * or a Service they name did.
 */
record RouteParents(Set<String> gateways, Set<ServiceKey> services) {
  static RouteParents of(List<HttpRouteState> routes) {
    Set<String> gateways = new HashSet<>();
    Set<ServiceKey> services = new HashSet<>();
    for (HttpRouteState route : routes) {
      for (HttpRouteState.ParentRef parent : route.parents()) {
        if (parent.kind() == HttpRouteState.ParentKind.GATEWAY) {
          gateways.add(parent.namespace() + "/" + parent.name());
        } else {
          services.add(new ServiceKey(parent.namespace(), parent.name()));
        }
      }
    }
    return new RouteParents(gateways, services);
  }

  boolean isEmpty() {
    return gateways.isEmpty() && services.isEmpty();
  }

  /**
   * Builds the parents' routes and Gateway listeners into {@code listeners} and {@code configs}, by
   * name. In a Gateway's routes only the virtual hosts {@code routes} occupy (in {@code touched}:
   * each route attaches on its own) are built; the others are {@code previous}'s. With {@code
   * hostsTaken} (proxyless hosts on: the Services' own API listener names), the route
   * configurations of a Gateway port's host API listeners are built too.
   *
   * @return false when a rebuilt Gateway port's hosts are not those of {@code previous}: its host
   *     API listeners come or go, which only a whole translation gets right
   */
  boolean rebuild(
      ClusterState state,
      XdsResources previous,
      GatewayTls tls,
      RouteAttachments attachments,
      RouteAttachments touched,
      TrafficPolicies policies,
      FilterAttachments filters,
      Optional<Set<String>> hostsTaken,
      Map<String, Listener> listeners,
      Map<String, RouteConfiguration> configs) {
    for (ServiceState service : state.services()) {
      if (!services.contains(service.key())) {
        continue;
      }
      for (ServicePort port : service.ports()) {
        if (port.protocol() == ServicePort.Protocol.TCP) {
          String host = XdsNames.host(service, port);
          String cluster = XdsNames.cluster(service, port);
          configs.put(host, Translator.serviceRoutes(host, cluster, attachments, policies));
        }
      }
    }
    for (var entry : attachments.byGatewayPort().entrySet()) {
      RouteAttachments.GatewayPort port = entry.getKey();
      Map<String, List<AttachedRule>> byHost = entry.getValue();
      if (!gateways.contains(port.namespace() + "/" + port.gateway())) {
        continue;
      }
      if (port.protocol().streams()) {
        // Only a route change adds or removes such a listener, and the translator takes those
        // whole (Translator.routesChanged).
        StreamListeners.listener(port, byHost).ifPresent(l -> listeners.put(port.xdsName(), l));
        continue;
      }
      if (hostsTaken.isPresent()) {
        if (!HostApiListeners.sameHosts(previous, port, byHost)) {
          return false;
        }
        HostApiListeners.rebuild(
            port,
            byHost,
            touched.byGatewayPort().getOrDefault(port, Map.of()).keySet(),
            policies,
            hostsTaken.get(),
            configs);
      }
      listeners.put(port.xdsName(), GatewayListeners.listener(port, tls.listeners(port), filters));
      configs.put(
          port.xdsName(),
          GatewayListeners.routes(
              port, byHost, policies, filters, Translator.keptHosts(previous, port, touched)));
    }
    return true;
  }
}
