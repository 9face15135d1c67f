package io.attache.controlplane.translate;

import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.RouteStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the accepted rules of all HTTPRoutes go, and the status of every route for every parent.
 *
 * @param byServiceHost rules of routes attached to a Service port (mesh), keyed by the host name of
 *     its API listener ({@link XdsNames#host})
 * @param byGatewayPort rules of routes attached to a Gateway, per Gateway port, per hostname
 *     ({@code *} for any)
 * @param routesByListener the routes attached to each Gateway listener, keyed {@code
 *     <namespace>/<gateway>/<listener>}: a listener's {@code attachedRoutes}
 */
public record RouteAttachments(
    Map<String, List<AttachedRule>> byServiceHost,
    Map<GatewayPort, Map<String, List<AttachedRule>>> byGatewayPort,
    List<RouteStatus> statuses,
    Map<String, Set<String>> routesByListener) {

  /** How many routes attached to a listener of a Gateway. */
  public int attachedRoutes(String gatewayKey, String listener) {
    Set<String> routes = routesByListener.get(gatewayKey + "/" + listener);
    return routes == null ? 0 : routes.size();
  }

  /** One port a Gateway listens on; every listener on it shares one Envoy listener. */
  public record GatewayPort(
      String namespace, String gateway, int port, GatewayState.Protocol protocol)
      implements Comparable<GatewayPort> {
    /** {@code <namespace>/<gateway>:<port>}: names the Envoy Listener and its routes. */
    public String xdsName() {
      return namespace + "/" + gateway + ":" + port;
    }

    @Override
    public int compareTo(GatewayPort other) {
      return xdsName().compareTo(other.xdsName());
    }
  }
}
