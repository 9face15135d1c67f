package io.attache.controlplane.translate;

import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.HttpRouteState.ParentRef;
import io.attache.controlplane.model.NamespaceState;
import io.attache.controlplane.model.RouteStatus.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a route would attach to a Gateway parent: the listeners that match its {@code sectionName}
 * and {@code port}, carry its kind, allow its namespace and share a hostname with it. Pure; what it
 * finds still yields to an older route of the other kind ({@link KindConflicts}).
 */
final class GatewayParents {
  private static final Condition ACCEPTED = new Condition(true, "Accepted", "accepted");

  private GatewayParents() {}

  /** The hosts a route would serve through one listener of a Gateway. */
  record ListenerHosts(RouteAttachments.GatewayPort port, String listenerKey, Set<String> hosts) {}

  /** The parent's condition and, when accepted, the listeners it attaches through. */
  record Attachment(Condition condition, List<ListenerHosts> listeners) {
    static Attachment refused(String reason, String message) {
      return new Attachment(new Condition(false, reason, message), List.of());
    }
  }

  static Attachment attach(
      HttpRouteState route,
      ParentRef parent,
      Map<String, GatewayState> gateways,
      NamespaceState routeNamespace) {
    GatewayState gateway = gateways.get(parent.namespace() + "/" + parent.name());
    if (gateway == null) {
      return Attachment.refused(
          "NoMatchingParent", "Gateway " + parent.namespace() + "/" + parent.name() + " not found");
    }
    String kinds = route.kind().kindName() + "s";
    List<GatewayState.Listener> candidates = new ArrayList<>();
    boolean otherKindsOnly = false;
    for (GatewayState.Listener listener : gateway.listeners()) {
      if (parent.sectionName().map(listener.name()::equals).orElse(true)
          && (parent.port().isEmpty() || parent.port().getAsInt() == listener.port())) {
        if (gateway.routeKinds(listener.name()).contains(route.kind())) {
          candidates.add(listener);
        } else {
          otherKindsOnly = true;
        }
      }
    }
    if (candidates.isEmpty()
        && (otherKindsOnly || namesOnlyListenersWithoutRoutes(parent, gateway))) {
      // gateway-api apis/v1/shared_types.go, RouteReasonNotAllowedByListeners: "the Gateway has no
      // Listener whose allowedRoutes criteria permit the route" (its kinds exclude this one).
      return Attachment.refused(
          "NotAllowedByListeners",
          "the listeners of Gateway "
              + gateway.key()
              + " matching "
              + parent
              + " do not allow "
              + kinds);
    }
    if (candidates.isEmpty()) {
      return Attachment.refused(
          "NoMatchingParent", "Gateway " + gateway.key() + " has no listener matching " + parent);
    }
    List<GatewayState.Listener> allowed =
        candidates.stream()
            .filter(l -> l.allowsRoutesFrom(routeNamespace, gateway.namespace()))
            .toList();
    if (allowed.isEmpty()) {
      return Attachment.refused(
          "NotAllowedByListeners",
          "the listeners of Gateway "
              + gateway.key()
              + " matching "
              + parent
              + " do not allow routes from namespace "
              + route.namespace());
    }
    List<ListenerHosts> attached = new ArrayList<>();
    for (GatewayState.Listener listener : allowed) {
      Set<String> hosts = Hostnames.intersect(listener.hostname(), route.hostnames());
      if (!hosts.isEmpty()) {
        attached.add(
            new ListenerHosts(
                gatewayPort(gateway, listener),
                gateway.key() + "/" + listener.name(),
                // Most routes have one host; RouteResolver remembers each route's attachment.
                hosts.size() == 1 ? Set.of(hosts.iterator().next()) : hosts));
      }
    }
    return attached.isEmpty()
        ? Attachment.refused(
            "NoMatchingListenerHostname",
            "no hostname of the route "
                + route.hostnames()
                + " matches a listener of Gateway "
                + gateway.key())
        : new Attachment(ACCEPTED, List.copyOf(attached));
  }

  /**
   * Whether the parentRef selects listeners that exist but cannot carry any route (another
   * protocol, or {@code allowedRoutes.kinds} without a kind served here). Those listeners are not
   * served, so their ports are unknown here: a parentRef naming a port is not judged.
   */
  private static boolean namesOnlyListenersWithoutRoutes(ParentRef parent, GatewayState gateway) {
    Set<String> without = gateway.withoutRouteKinds();
    if (parent.port().isPresent() || without.isEmpty()) {
      return false;
    }
    return parent.sectionName().isPresent()
        ? without.contains(parent.sectionName().get())
        : gateway.listenerNames().stream().allMatch(without::contains);
  }

  static RouteAttachments.GatewayPort gatewayPort(
      GatewayState gateway, GatewayState.Listener listener) {
    return new RouteAttachments.GatewayPort(
        gateway.namespace(), gateway.name(), listener.port(), listener.protocol());
  }
}
