package io.attache.controlplane.translate;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.HttpRouteState.BackendRef;
import io.attache.controlplane.model.HttpRouteState.ParentKind;
import io.attache.controlplane.model.HttpRouteState.ParentRef;
import io.attache.controlplane.model.NamespaceState;
import io.attache.controlplane.model.RouteExtensions;
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
    return resolve(state, true);
  }

  /**
   * As {@link #resolve(ClusterState)}; without {@code settleKindConflicts} an HTTPRoute and a
   * GRPCRoute sharing a listener hostname are both attached: where routes would go on their own,
   * which is what an incremental translation asks of the changed ones.
   */
  RouteAttachments resolve(ClusterState state, boolean settleKindConflicts) {
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
        byGatewayPort.computeIfAbsent(
            GatewayParents.gatewayPort(gateway, listener), p -> new TreeMap<>());
      }
    }
    List<Pending> pending = new ArrayList<>();
    Backends backends = new Backends(services, grants, tlsClusters(state));
    for (HttpRouteState route : state.httpRoutes()) {
      List<Unresolved> unresolved = new ArrayList<>();
      List<AttachedRule> rules = new ArrayList<>();
      for (HttpRouteState.Rule rule : route.rules()) {
        rules.add(resolveRule(route, rule, backends, unresolved));
      }
      Condition resolvedRefs =
          unresolved.isEmpty()
              ? RESOLVED
              : new Condition(
                  false,
                  refusalReason(unresolved),
                  String.join("; ", unresolved.stream().map(Unresolved::message).toList()));
      for (ParentRef parent : route.parents()) {
        GatewayParents.Attachment attachment =
            parent.kind() == ParentKind.SERVICE
                ? new GatewayParents.Attachment(
                    attachToService(route, parent, services, rules, byServiceHost), List.of())
                : GatewayParents.attach(
                    route,
                    parent,
                    gateways,
                    namespaces.getOrDefault(
                        route.namespace(), NamespaceState.named(route.namespace())));
        pending.add(
            new Pending(
                route,
                parent,
                rules,
                resolvedRefs,
                attachment,
                new KindConflicts.Candidate(route, attachment.listeners())));
      }
    }
    Map<KindConflicts.Candidate, Condition> refused =
        !settleKindConflicts
            ? Map.of()
            : KindConflicts.refused(
                pending.stream()
                    .filter(p -> !p.attachment().listeners().isEmpty())
                    .map(Pending::candidate)
                    .toList());
    for (Pending p : pending) {
      Condition accepted = refused.getOrDefault(p.candidate(), p.attachment().condition());
      if (accepted.status()) {
        for (GatewayParents.ListenerHosts listener : p.attachment().listeners()) {
          Map<String, List<AttachedRule>> byHost = byGatewayPort.get(listener.port());
          listener
              .hosts()
              .forEach(h -> byHost.computeIfAbsent(h, k -> new ArrayList<>()).addAll(p.rules()));
          // A set: a route naming one listener through two parentRefs is attached once.
          routesByListener
              .computeIfAbsent(listener.listenerKey(), k -> new LinkedHashSet<>())
              .add(p.route().key());
        }
      }
      statuses.add(
          new RouteStatus(
              p.route().key(), p.route().generation(), p.parent(), accepted, p.resolvedRefs()));
    }
    return new RouteAttachments(byServiceHost, byGatewayPort, statuses, routesByListener);
  }

  /** A route's parent as first judged, before HTTPRoute/GRPCRoute conflicts are settled. */
  private record Pending(
      HttpRouteState route,
      ParentRef parent,
      List<AttachedRule> rules,
      Condition resolvedRefs,
      GatewayParents.Attachment attachment,
      KindConflicts.Candidate candidate) {}

  /**
   * What backend references resolve against.
   *
   * @param tlsClusters the clusters a BackendTLSPolicy makes originate TLS
   */
  private record Backends(
      Map<ServiceKey, ServiceState> services, ReferenceGrants grants, Set<String> tlsClusters) {}

  /** The clusters that originate TLS, worked out only when some route needs to know. */
  private static Set<String> tlsClusters(ClusterState state) {
    for (HttpRouteState route : state.httpRoutes()) {
      if (!route.extensions().tlsBackends().isEmpty()) {
        return BackendTlsPolicies.resolve(state).clusters();
      }
    }
    return Set.of();
  }

  /** A backend reference that does not resolve, with the ResolvedRefs reason it is worth. */
  private record Unresolved(String reason, String message) {}

  /**
   * InvalidKind when some reference names a kind that is not a Service; otherwise BackendNotFound
   * when some backend does not exist; otherwise RefNotPermitted when some needs a ReferenceGrant;
   * otherwise BackendTLSRequired (every refusal is one).
   */
  private static String refusalReason(List<Unresolved> unresolved) {
    for (String reason : List.of("InvalidKind", "BackendNotFound", "RefNotPermitted")) {
      if (unresolved.stream().anyMatch(u -> u.reason().equals(reason))) {
        return reason;
      }
    }
    return TLS_REQUIRED;
  }

  /**
   * Attaché's ResolvedRefs reason for a backend that must be reached over TLS and no
   * BackendTLSPolicy covers (Gateway API lets controllers add their own reasons).
   */
  public static final String TLS_REQUIRED = "BackendTLSRequired";

  /** What follows {@code backend <namespace/name:port>} in its ResolvedRefs message. */
  public static final String TLS_REQUIRED_MESSAGE =
      " must be reached over TLS ("
          + RouteExtensions.BACKEND_TLS_ANNOTATION
          + ") and no BackendTLSPolicy covers it; its requests fail rather than go out in the clear";

  private static AttachedRule resolveRule(
      HttpRouteState route,
      HttpRouteState.Rule rule,
      Backends resolving,
      List<Unresolved> unresolved) {
    List<AttachedRule.WeightedCluster> backends = new ArrayList<>();
    for (BackendRef backend : rule.backends()) {
      backends.add(
          new AttachedRule.WeightedCluster(
              cluster(route, backend, resolving, "rules[" + rule.index() + "]", unresolved),
              backend.weight()));
    }
    List<AttachedRule.MirrorCluster> mirrors = new ArrayList<>();
    for (HttpRouteState.Mirror mirror : rule.mirrors()) {
      cluster(route, mirror.backend(), resolving, "rules[" + rule.index() + "] mirror", unresolved)
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
      Backends resolving,
      String where,
      List<Unresolved> unresolved) {
    Optional<String> cluster = serviceCluster(route, backend, resolving, where, unresolved);
    if (cluster.isPresent()
        && route.extensions().tlsBackends().contains(backend.toString())
        && !resolving.tlsClusters().contains(cluster.get())) {
      unresolved.add(
          new Unresolved(TLS_REQUIRED, where + ": backend " + backend + TLS_REQUIRED_MESSAGE));
      return Optional.empty();
    }
    return cluster;
  }

  private static Optional<String> serviceCluster(
      HttpRouteState route,
      BackendRef backend,
      Backends resolving,
      String where,
      List<Unresolved> unresolved) {
    Map<ServiceKey, ServiceState> services = resolving.services();
    ReferenceGrants grants = resolving.grants();
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
        route.kind().kindName(),
        route.namespace(),
        "Service",
        backend.namespace(),
        backend.name())) {
      unresolved.add(
          new Unresolved(
              "RefNotPermitted",
              where
                  + ": backend "
                  + backend
                  + " is in another namespace, and no ReferenceGrant in "
                  + backend.namespace()
                  + " allows "
                  + route.kind().kindName()
                  + "s in "
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
    if (route.kind().streams()) {
      return new Condition(
          false,
          "NotAllowedByParent",
          route.kind().kindName()
              + "s attach to Gateways only (proxyless gRPC clients route calls)");
    }
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

    /** Whether some request host would match both {@code a} and {@code b} ({@code *}: any). */
    static boolean overlap(String a, String b) {
      return a.equals("*") || b.equals("*") || a.equals(b) || covers(a, b) || covers(b, a);
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
