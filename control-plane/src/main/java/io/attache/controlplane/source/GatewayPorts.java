package io.attache.controlplane.source;

import io.attache.controlplane.model.GatewayState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives each port to one Gateway. Every Gateway port is its own Envoy listener on {@code
 * 0.0.0.0:<port>}, and an Envoy refuses a second listener on an address it already binds, so two
 * Gateways cannot share a port. The oldest Gateway keeps it (then the namespace/name order, as for
 * route precedence): a new Gateway never takes a port off one that is serving. The other's listener
 * is left out with {@code Accepted=False}, reason {@code PortUnavailable}.
 */
final class GatewayPorts {
  private static final Comparator<GatewayState> OLDEST_FIRST =
      Comparator.comparing(GatewayState::created).thenComparing(GatewayState::key);

  private GatewayPorts() {}

  /** The Gateways, in their order, each without the listeners on a port an older one holds. */
  static List<GatewayState> claim(List<GatewayState> gateways, List<ResourceError> errors) {
    Map<Integer, String> owners = new HashMap<>();
    Map<String, GatewayState> claimed = new HashMap<>();
    for (GatewayState gateway : gateways.stream().sorted(OLDEST_FIRST).toList()) {
      List<GatewayState.Listener> kept = new ArrayList<>();
      List<GatewayState.ListenerNote> notes = new ArrayList<>(gateway.notes());
      for (GatewayState.Listener listener : gateway.listeners()) {
        String owner = owners.putIfAbsent(listener.port(), gateway.key());
        if (owner == null || owner.equals(gateway.key())) {
          kept.add(listener);
          continue;
        }
        String message =
            "port " + listener.port() + " is already used by the older Gateway " + owner;
        notes.add(
            new GatewayState.ListenerNote(listener.name(), "Accepted", "PortUnavailable", message));
        errors.add(
            new ResourceError(
                "Gateway " + gateway.key(),
                0,
                "spec.listeners[" + gateway.listenerNames().indexOf(listener.name()) + "].port",
                message));
      }
      claimed.put(
          gateway.key(),
          kept.size() == gateway.listeners().size()
              ? gateway
              : new GatewayState(
                  gateway.namespace(),
                  gateway.name(),
                  gateway.generation(),
                  gateway.created(),
                  kept,
                  gateway.listenerNames(),
                  notes,
                  gateway.narrowedRouteKinds()));
    }
    return gateways.stream().map(g -> claimed.get(g.key())).toList();
  }
}
