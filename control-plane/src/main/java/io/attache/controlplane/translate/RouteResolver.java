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
import io.attache.controlplane.translate.KindConflicts.Candidate;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Attaches HTTPRoutes to their parents and resolves their backends, the way the Gateway API
 * specifies: a Gateway parent attaches through the listeners that match its {@code sectionName} and
 * {@code port}, allow the route's namespace, and share a hostname with it; a Service parent (mesh)
 * must be in the route's namespace. Backends must be Service ports in the route's namespace, or in
 * another one whose ReferenceGrants allow HTTPRoutes of the route's namespace to refer to them
 * (else {@code RefNotPermitted}). One status per parent. No I/O; the same input gives an equal
 * answer. It remembers how each route resolved last (see {@link #memo}); calls from several threads
 * are safe, the last to finish leaving what it found.
 */
public final class RouteResolver {
  private static final Condition ACCEPTED = new Condition(true, "Accepted", "accepted");
  private static final Condition RESOLVED =
      new Condition(true, "ResolvedRefs", "all references resolved");

  /**
   * What the last whole resolution found per route, for the inputs it had: a route that is the very
   * object it was then, resolved against the same inputs ({@link RouteInputs}), resolves the same.
   * So a change to one HTTPRoute among 50k resolves that one, not all of them again (docs/
   * performance.md). Replaced by each whole resolution, never by one of a few routes.
   */
  private volatile Memo memo;

  public RouteAttachments resolve(ClusterState state) {
    return resolve(state, true, true);
  }

  /**
   * As {@link #resolve(ClusterState)} for a state holding only some routes (the changed ones),
   * without replacing what is remembered of the whole; without {@code settleKindConflicts} an
   * HTTPRoute and a GRPCRoute sharing a listener hostname are both attached: where routes would go
   * on their own, which is what an incremental translation asks of the changed ones.
   */
  RouteAttachments resolveApart(ClusterState state, boolean settleKindConflicts) {
    return resolve(state, settleKindConflicts, false);
  }

  private RouteAttachments resolve(
      ClusterState state, boolean settleKindConflicts, boolean remember) {
    RouteInputs inputs = RouteInputs.of(state);
    Memo last = memo;
    // The Services that are not the very objects resolved against last; null: more changed.
    Set<ServiceKey> changed = last == null ? null : last.inputs().servicesChangedIn(inputs);
    RouteInputs.Lookup context =
        changed == null
            ? RouteInputs.Lookup.of(state, inputs.tlsClusters())
            : changed.isEmpty() ? last.context() : last.context().withServices(state.services());
    List<Resolved> inOrder = new ArrayList<>(state.httpRoutes().size());
    List<Candidate> candidates = new ArrayList<>();
    for (HttpRouteState route : state.httpRoutes()) {
      Resolved known =
          changed == null || (!changed.isEmpty() && namesAnyOf(route, changed))
              ? null
              : last.routes().get(route);
      Resolved r = known != null ? known : resolveRoute(route, context);
      inOrder.add(r);
      for (ParentOutcome parent : r.parents()) {
        if (!parent.attachment().listeners().isEmpty()) {
          candidates.add(parent.candidate());
        }
      }
    }
    if (remember) {
      Map<HttpRouteState, Resolved> byRoute = new IdentityHashMap<>(inOrder.size());
      inOrder.forEach(r -> byRoute.put(r.route(), r));
      memo = new Memo(inputs, context, byRoute);
    }
    Map<Candidate, Condition> refused =
        settleKindConflicts ? KindConflicts.refused(candidates) : Map.of();
    return assemble(state.gateways(), inOrder, refused);
  }

  /** Where the routes' accepted rules go, and every route's status per parent, in route order. */
  private static RouteAttachments assemble(
      List<GatewayState> gateways, List<Resolved> routes, Map<Candidate, Condition> refused) {
    Map<String, List<AttachedRule>> byServiceHost = new TreeMap<>();
    Map<RouteAttachments.GatewayPort, Map<String, List<AttachedRule>>> byGatewayPort =
        new TreeMap<>();
    for (GatewayState gateway : gateways) {
      for (GatewayState.Listener listener : gateway.listeners()) {
        byGatewayPort.computeIfAbsent(
            GatewayParents.gatewayPort(gateway, listener), p -> new TreeMap<>());
      }
    }
    List<RouteStatus> statuses = new ArrayList<>();
    Map<String, Set<String>> routesByListener = new TreeMap<>();
    for (Resolved r : routes) {
      for (ParentOutcome p : r.parents()) {
        Condition accepted =
            refused.isEmpty()
                ? p.attachment().condition()
                : refused.getOrDefault(p.candidate(), p.attachment().condition());
        if (accepted.status()) {
          for (String host : p.serviceHosts()) {
            byServiceHost.computeIfAbsent(host, h -> new ArrayList<>()).addAll(r.rules());
          }
          for (GatewayParents.ListenerHosts listener : p.attachment().listeners()) {
            Map<String, List<AttachedRule>> byHost = byGatewayPort.get(listener.port());
            for (String host : listener.hosts()) {
              byHost.computeIfAbsent(host, k -> new ArrayList<>()).addAll(r.rules());
            }
            // A set: a route naming one listener through two parentRefs is attached once.
            routesByListener
                .computeIfAbsent(listener.listenerKey(), k -> new LinkedHashSet<>())
                .add(r.key());
          }
        }
        statuses.add(
            new RouteStatus(
                r.key(), r.route().generation(), p.parent(), accepted, r.resolvedRefs()));
      }
    }
    return new RouteAttachments(byServiceHost, byGatewayPort, statuses, routesByListener);
  }

  /** One route resolved on its own, before HTTPRoute/GRPCRoute conflicts are settled. */
  private static Resolved resolveRoute(HttpRouteState route, RouteInputs.Lookup context) {
    List<Unresolved> unresolved = new ArrayList<>();
    List<AttachedRule> rules = new ArrayList<>();
    for (HttpRouteState.Rule rule : route.rules()) {
      rules.add(resolveRule(route, rule, context, unresolved));
    }
    Condition resolvedRefs =
        unresolved.isEmpty()
            ? RESOLVED
            : new Condition(
                false,
                refusalReason(unresolved),
                String.join("; ", unresolved.stream().map(Unresolved::message).toList()));
    List<ParentOutcome> parents = new ArrayList<>(route.parents().size());
    for (ParentRef parent : route.parents()) {
      if (parent.kind() == ParentKind.SERVICE) {
        List<String> hosts = new ArrayList<>();
        Condition condition = attachToService(route, parent, context.services(), hosts);
        parents.add(
            new ParentOutcome(
                parent,
                new GatewayParents.Attachment(condition, List.of()),
                hosts,
                new Candidate(route, List.of())));
      } else {
        NamespaceState namespace = context.namespaces().get(route.namespace());
        GatewayParents.Attachment attachment =
            GatewayParents.attach(
                route,
                parent,
                context.gateways(),
                namespace != null ? namespace : NamespaceState.named(route.namespace()));
        parents.add(
            new ParentOutcome(
                parent, attachment, List.of(), new Candidate(route, attachment.listeners())));
      }
    }
    return new Resolved(route, route.key(), List.copyOf(rules), resolvedRefs, List.copyOf(parents));
  }

  /** A route resolved: its rules with their clusters, ResolvedRefs, and each parent's outcome. */
  private record Resolved(
      HttpRouteState route,
      String key,
      List<AttachedRule> rules,
      Condition resolvedRefs,
      List<ParentOutcome> parents) {}

  /**
   * A route's parent as first judged: a Gateway's listeners, or a Service's API listener hosts
   * ({@code serviceHosts}).
   */
  private record ParentOutcome(
      ParentRef parent,
      GatewayParents.Attachment attachment,
      List<String> serviceHosts,
      Candidate candidate) {}

  private record Memo(
      RouteInputs inputs, RouteInputs.Lookup context, Map<HttpRouteState, Resolved> routes) {}

  /** Whether the route names one of {@code services}, as backend, mirror or parent. */
  static boolean namesAnyOf(HttpRouteState route, Set<ServiceKey> services) {
    for (ParentRef parent : route.parents()) {
      if (parent.kind() == ParentKind.SERVICE
          && services.contains(new ServiceKey(parent.namespace(), parent.name()))) {
        return true;
      }
    }
    for (HttpRouteState.Rule rule : route.rules()) {
      for (BackendRef backend : rule.backends()) {
        if (services.contains(backend.service())) {
          return true;
        }
      }
      for (HttpRouteState.Mirror mirror : rule.mirrors()) {
        if (services.contains(mirror.backend().service())) {
          return true;
        }
      }
    }
    return false;
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
      RouteInputs.Lookup resolving,
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
    // Copied: RouteResolver remembers every route's rules, and most lists hold one or none.
    return new AttachedRule(route, rule, List.copyOf(backends), List.copyOf(mirrors));
  }

  private static Optional<String> cluster(
      HttpRouteState route,
      BackendRef backend,
      RouteInputs.Lookup resolving,
      String where,
      List<Unresolved> unresolved) {
    Optional<String> cluster = serviceCluster(route, backend, resolving, where, unresolved);
    if (cluster.isPresent()
        && !route.extensions().tlsBackends().isEmpty()
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
      RouteInputs.Lookup resolving,
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
      List<String> hosts) {
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
        hosts.add(XdsNames.host(service, port));
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
}
