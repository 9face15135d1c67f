package io.attache.controlplane.translate;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServiceState;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The hosts of Gateways (and of Emissary's Hosts and Mappings, which become Gateway routes) as
 * proxyless gRPC clients can dial them, when {@link TranslatorOptions#proxylessHosts()} is on: for
 * each exact hostname an HTTP or HTTPS Gateway port routes, an API listener named {@code
 * <hostname>:<port>} whose RouteConfiguration (same name) holds that virtual host's rules as an API
 * listener takes them (no ext_authz, ratelimit or CORS filter, no direct response or redirect). A
 * client dialing {@code xds:///shop.example.com:8080} is then routed as Envoy routes a request for
 * {@code shop.example.com} on port 8080, and sent straight to the chosen backend. A name a
 * Service's own API listener has ({@link XdsNames#host}) stays the Service's. Two Gateways never
 * share a port (GatewayPorts), so no two Gateway ports claim one name.
 */
final class HostApiListeners {
  private HostApiListeners() {}

  /** {@code <hostname>:<port>}; wildcard and catch-all hosts have none. */
  static String name(String hostname, RouteAttachments.GatewayPort port) {
    return hostname + ":" + port.port();
  }

  static boolean servable(String hostname) {
    return !hostname.startsWith("*");
  }

  /**
   * Whether {@code port} has the API listener of {@code hostname}: an exact hostname whose name no
   * Service's own API listener has. Two Gateways never share a port (GatewayPorts), so no other
   * port claims the name.
   *
   * @param serviceHosts the names of the Services' own API listeners
   */
  static boolean owns(
      RouteAttachments.GatewayPort port, String hostname, Set<String> serviceHosts) {
    return !port.protocol().streams()
        && servable(hostname)
        && !serviceHosts.contains(name(hostname, port));
  }

  /** The names of the Services' own API listeners, which Gateway hosts never take. */
  static Set<String> serviceHosts(ClusterState state) {
    Set<String> hosts = new HashSet<>();
    for (ServiceState service : state.services()) {
      for (ServicePort port : service.ports()) {
        if (port.protocol() == ServicePort.Protocol.TCP) {
          hosts.add(XdsNames.host(service, port));
        }
      }
    }
    return hosts;
  }

  /**
   * Whether {@code port}'s hosts are those {@code previous} routes for it, so that rebuilding the
   * port's host API listeners replaces them all and owns the same names; false when the port is new
   * there.
   */
  static boolean sameHosts(
      XdsResources previous,
      RouteAttachments.GatewayPort port,
      Map<String, List<AttachedRule>> byHost) {
    Optional<RouteConfiguration> last =
        ResourceLists.find(previous.routes(), port.xdsName(), RouteConfiguration::getName);
    if (last.isEmpty()) {
      return false;
    }
    String prefix = port.xdsName() + "/";
    Set<String> before = new HashSet<>();
    for (VirtualHost host : last.get().getVirtualHostsList()) {
      before.add(host.getName().substring(prefix.length()));
    }
    return before.equals(byHost.keySet());
  }

  /** The API listeners and routes of the hosts of {@code port} that it owns, by name. */
  static void build(
      RouteAttachments.GatewayPort port,
      Map<String, List<AttachedRule>> byHost,
      TrafficPolicies policies,
      Set<String> serviceHosts,
      Map<String, Listener> listeners,
      Map<String, RouteConfiguration> routes) {
    byHost.forEach(
        (hostname, rules) -> {
          String name = name(hostname, port);
          if (owns(port, hostname, serviceHosts)) {
            listeners.put(name, ApiListeners.listener(name));
            routes.put(name, ApiListeners.routes(name, rules, policies));
          }
        });
  }

  /**
   * After a change, the routes of the hosts of {@code port} in {@code touched} alone (where the
   * changed routes had or have rules): the other hosts' rules, listeners and names are as before,
   * since the port's hosts are ({@link #sameHosts}).
   */
  static void rebuild(
      RouteAttachments.GatewayPort port,
      Map<String, List<AttachedRule>> byHost,
      Set<String> touched,
      TrafficPolicies policies,
      Set<String> serviceHosts,
      Map<String, RouteConfiguration> routes) {
    for (String hostname : touched) {
      String name = name(hostname, port);
      List<AttachedRule> rules = byHost.get(hostname);
      if (rules != null && owns(port, hostname, serviceHosts)) {
        routes.put(name, ApiListeners.routes(name, rules, policies));
      }
    }
  }
}
