package io.attache.controlplane.translate;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.HttpRouteState.BackendRef;
import io.attache.controlplane.model.HttpRouteState.ParentKind;
import io.attache.controlplane.model.HttpRouteState.ParentRef;
import io.attache.controlplane.model.NamespaceState;
import io.attache.controlplane.model.RouteStatus;
import io.attache.controlplane.model.RouteStatus.Condition;
import io.attache.controlplane.model.ServiceKey;
import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServiceState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Attaches HTTPRoutes to their parents and resolves their backends, the way the Gateway API
 * specifies: a Gateway parent attaches through the listeners that match its {@code sectionName} and
 * {@code port}, allow the route's namespace, and share a hostname with it; a Service parent (mesh)
 * must be in the route's namespace. Backends must be Service ports in the route's namespace, or in
 * another one whose ReferenceGrants allow HTTPRoutes of the route's namespace to refer to them
 * (else {@code RefNotPermitted}). Pure; one status per parent.
 */
public final class RouteResolver {
  private static final Condition ACCEPTED = new Condition(true, "Accepted", "accepted");
  private static final Condition RESOLVED =
      new Condition(true, "ResolvedRefs", "all references resolved");

  public RouteAttachments resolve(ClusterState state) {
    Map<ServiceKey, ServiceState> services =
        state.services().stream().collect(Collectors.toMap(ServiceState::key, Function.identity()));
    Map<String, GatewayState> gateways =
        state.gateways().stream().collect(Collectors.toMap(GatewayState::key, Function.identity()));
    Map<String, List<AttachedRule>> byServiceHost = new TreeMap<>();
    Map<RouteAttachments.GatewayPort, Map<String, List<AttachedRule>>> byGatewayPort =
        new TreeMap<>();
    ReferenceGrants grants = new ReferenceGrants(state.referenceGrants());
    Map<String, NamespaceState> namespaces =
        state.namespaces().stream()
            .collect(Collectors.toMap(NamespaceState::name, Function.identity(), (a, b) -> a));
    List<RouteStatus> statuses = new ArrayList<>();
    Map<String, Set<String>> routesByListener = new TreeMap<>();
    for (GatewayState gateway : state.gateways()) {
      for (GatewayState.Listener listener : gateway.listeners()) {
        byGatewayPort.computeIfAbsent(gatewayPort(gateway, listener), p -> new TreeMap<>());
      }
    }
    for (HttpRouteState route : state.httpRoutes()) {
      List<Unresolved> unresolved = new ArrayList<>();
      List<AttachedRule> rules = new ArrayList<>();
      for (HttpRouteState.Rule rule : route.rules()) {
        rules.add(resolveRule(route, rule, services, grants, unresolved));
      }
      Condition resolvedRefs =
          unresolved.isEmpty()
              ? RESOLVED
              : new Condition(
                  false,
                  refusalReason(unresolved),
                  String.join("; ", unresolved.stream().map(Unresolved::message).toList()));
      for (ParentRef parent : route.parents()) {
        Condition accepted =
            parent.kind() == ParentKind.SERVICE
                ? attachToService(route, parent, services, rules, byServiceHost)
                : attachToGateway(
                    route,
                    parent,
                    gateways,
                    namespaces.getOrDefault(
                        route.namespace(), NamespaceState.named(route.namespace())),
                    rules,
                    byGatewayPort,
                    routesByListener);
        statuses.add(
            new RouteStatus(route.key(), route.generation(), parent, accepted, resolvedRefs));
      }
    }
    return new RouteAttachments(byServiceHost, byGatewayPort, statuses, routesByListener);
  }

  /** A backend reference that does not resolve, with the ResolvedRefs reason it is worth. */
  private record Unresolved(String reason, String message) {}

  /**
   * RefNotPermitted when every refusal is one; otherwise InvalidKind when some reference names a
   * kind that is not a Service; otherwise BackendNotFound.
   */
  private static String refusalReason(List<Unresolved> unresolved) {
    if (unresolved.stream().allMatch(u -> u.reason().equals("RefNotPermitted"))) {
      return "RefNotPermitted";
    }
    return unresolved.stream().anyMatch(u -> u.reason().equals("InvalidKind"))
        ? "InvalidKind"
        : "BackendNotFound";
  }

  private static AttachedRule resolveRule(
      HttpRouteState route,
      HttpRouteState.Rule rule,
      Map<ServiceKey, ServiceState> services,
      ReferenceGrants grants,
      List<Unresolved> unresolved) {
    List<AttachedRule.WeightedCluster> backends = new ArrayList<>();
    for (BackendRef backend : rule.backends()) {
      backends.add(
          new AttachedRule.WeightedCluster(
              cluster(route, backend, services, grants, "rules[" + rule.index() + "]", unresolved),
              backend.weight()));
    }
    List<AttachedRule.MirrorCluster> mirrors = new ArrayList<>();
    for (HttpRouteState.Mirror mirror : rule.mirrors()) {
      cluster(
              route,
              mirror.backend(),
              services,
              grants,
              "rules[" + rule.index() + "] mirror",
              unresolved)
          .ifPresent(
              c ->
                  mirrors.add(
                      new AttachedRule.MirrorCluster(c, mirror.numerator(), mirror.denominator())));
    }
    return new AttachedRule(route, rule, backends, mirrors);
  }

  private static Optional<String> cluster(
      HttpRouteState route,
      BackendRef backend,
      Map<ServiceKey, ServiceState> services,
      ReferenceGrants grants,
      String where,
      List<Unresolved> unresolved) {
    if (backend.unsupportedKind().isPresent()) {
      unresolved.add(
          new Unresolved(
              "InvalidKind",
              where
                  + ": backend "
                  + backend.namespace()
                  + "/"
                  + backend.name()
                  + " is a "
                  + backend.unsupportedKind().get()
                  + "; only Services (group \"\", kind Service) are supported"));
      return Optional.empty();
    }
    if (!grants.permits(
        "HTTPRoute", route.namespace(), "Service", backend.namespace(), backend.name())) {
      unresolved.add(
          new Unresolved(
              "RefNotPermitted",
              where
                  + ": backend "
                  + backend
                  + " is in another namespace, and no ReferenceGrant in "
                  + backend.namespace()
                  + " allows HTTPRoutes in "
                  + route.namespace()
                  + " to refer to it"));
      return Optional.empty();
    }
    ServiceState service = services.get(backend.service());
    if (service == null) {
      unresolved.add(
          new Unresolved(
              "BackendNotFound", where + ": backend Service " + backend.service() + " not found"));
      return Optional.empty();
    }
    for (ServicePort port : service.ports()) {
      if (port.port() == backend.port() && port.protocol() == ServicePort.Protocol.TCP) {
        return Optional.of(XdsNames.cluster(service, port));
      }
    }
    unresolved.add(
        new Unresolved(
            "BackendNotFound",
            where
                + ": backend Service "
                + backend.service()
                + " has no TCP port "
                + backend.port()));
    return Optional.empty();
  }

  private static Condition attachToService(
      HttpRouteState route,
      ParentRef parent,
      Map<ServiceKey, ServiceState> services,
      List<AttachedRule> rules,
      Map<String, List<AttachedRule>> byServiceHost) {
    if (!parent.namespace().equals(route.namespace())) {
      return new Condition(
          false,
          "NotAllowedByParent",
          "a route may only attach to Services in its own namespace (consumer routes are not"
              + " supported)");
    }
    ServiceState service = services.get(new ServiceKey(parent.namespace(), parent.name()));
    if (service == null) {
      return new Condition(
          false,
          "NoMatchingParent",
          "Service " + parent.namespace() + "/" + parent.name() + " not found");
    }
    boolean attached = false;
    for (ServicePort port : service.ports()) {
      boolean portMatches = parent.port().isEmpty() || parent.port().getAsInt() == port.port();
      if (portMatches && port.protocol() == ServicePort.Protocol.TCP) {
        byServiceHost
            .computeIfAbsent(XdsNames.host(service, port), h -> new ArrayList<>())
            .addAll(rules);
        attached = true;
      }
    }
    return attached
        ? ACCEPTED
        : new Condition(
            false,
            "NoMatchingParent",
            "Service " + service.key() + " has no TCP port " + parent.port().orElse(0));
  }

  private static Condition attachToGateway(
      HttpRouteState route,
      ParentRef parent,
      Map<String, GatewayState> gateways,
      NamespaceState routeNamespace,
      List<AttachedRule> rules,
      Map<RouteAttachments.GatewayPort, Map<String, List<AttachedRule>>> byGatewayPort,
      Map<String, Set<String>> routesByListener) {
    GatewayState gateway = gateways.get(parent.namespace() + "/" + parent.name());
    if (gateway == null) {
      return new Condition(
          false,
          "NoMatchingParent",
          "Gateway " + parent.namespace() + "/" + parent.name() + " not found");
    }
    List<GatewayState.Listener> candidates = new ArrayList<>();
    for (GatewayState.Listener listener : gateway.listeners()) {
      if (parent.sectionName().map(listener.name()::equals).orElse(true)
          && (parent.port().isEmpty() || parent.port().getAsInt() == listener.port())) {
        candidates.add(listener);
      }
    }
    if (candidates.isEmpty() && namesOnlyListenersWithoutRoutes(parent, gateway)) {
      // gateway-api apis/v1/shared_types.go, RouteReasonNotAllowedByListeners: "the Gateway has no
      // Listener whose allowedRoutes criteria permit the route" (its kinds exclude HTTPRoute).
      return new Condition(
          false,
          "NotAllowedByListeners",
          "the listeners of Gateway "
              + gateway.key()
              + " matching "
              + parent
              + " do not allow HTTPRoutes");
    }
    if (candidates.isEmpty()) {
      return new Condition(
          false,
          "NoMatchingParent",
          "Gateway " + gateway.key() + " has no listener matching " + parent);
    }
    List<GatewayState.Listener> allowed =
        candidates.stream()
            .filter(l -> l.allowsRoutesFrom(routeNamespace, gateway.namespace()))
            .toList();
    if (allowed.isEmpty()) {
      return new Condition(
          false,
          "NotAllowedByListeners",
          "the listeners of Gateway "
              + gateway.key()
              + " matching "
              + parent
              + " do not allow routes from namespace "
              + route.namespace());
    }
    boolean attached = false;
    for (GatewayState.Listener listener : allowed) {
      Set<String> hosts = Hostnames.intersect(listener.hostname(), route.hostnames());
      Map<String, List<AttachedRule>> byHost = byGatewayPort.get(gatewayPort(gateway, listener));
      for (String host : hosts) {
        byHost.computeIfAbsent(host, h -> new ArrayList<>()).addAll(rules);
        attached = true;
      }
      if (!hosts.isEmpty()) {
        // A set: a route naming one listener through two parentRefs is attached once.
        routesByListener
            .computeIfAbsent(gateway.key() + "/" + listener.name(), k -> new LinkedHashSet<>())
            .add(route.key());
      }
    }
    return attached
        ? ACCEPTED
        : new Condition(
            false,
            "NoMatchingListenerHostname",
            "no hostname of the route "
                + route.hostnames()
                + " matches a listener of Gateway "
                + gateway.key());
  }

  /**
   * Whether the parentRef selects listeners that exist but cannot carry an HTTPRoute (another
   * protocol, or {@code allowedRoutes.kinds} without it). Those listeners are not served, so their
   * ports are unknown here: a parentRef naming a port is not judged.
   */
  private static boolean namesOnlyListenersWithoutRoutes(ParentRef parent, GatewayState gateway) {
    if (parent.port().isPresent() || gateway.withoutRouteKinds().isEmpty()) {
      return false;
    }
    return parent.sectionName().isPresent()
        ? gateway.withoutRouteKinds().contains(parent.sectionName().get())
        : gateway.listenerNames().stream().allMatch(gateway.withoutRouteKinds()::contains);
  }

  private static RouteAttachments.GatewayPort gatewayPort(
      GatewayState gateway, GatewayState.Listener listener) {
    return new RouteAttachments.GatewayPort(
        gateway.namespace(), gateway.name(), listener.port(), listener.protocol());
  }

  /** Gateway API hostname intersection between a listener and a route. */
  static final class Hostnames {
    private Hostnames() {}

    static Set<String> intersect(Optional<String> listener, List<String> route) {
      Set<String> hosts = new LinkedHashSet<>();
      if (listener.isEmpty()) {
        hosts.addAll(route.isEmpty() ? List.of("*") : route);
        return hosts;
      }
      String l = listener.get();
      if (route.isEmpty()) {
        hosts.add(l);
        return hosts;
      }
      for (String r : route) {
        if (r.equals(l) || covers(l, r)) {
          hosts.add(r);
        } else if (covers(r, l)) {
          hosts.add(l);
        }
      }
      return hosts;
    }

    /** Whether wildcard {@code pattern} ({@code *.example.com}) covers {@code host}. */
    private static boolean covers(String pattern, String host) {
      return pattern.startsWith("*.")
          && host.endsWith(pattern.substring(1))
          && host.length() > pattern.length() - 1
          && !(host.startsWith("*.") && host.length() <= pattern.length());
    }
  }
}
