package io.attache.controlplane.translate;

import io.attache.controlplane.model.BackendTlsState;
import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.RouteStatus;
import io.attache.controlplane.model.ServiceKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The status of each BackendTLSPolicy, as the API and its conformance tests read it
 * (apis/v1/backendtlspolicy_types.go): {@code Accepted} is True, or False with {@code Conflicted}
 * (an older policy holds every target), {@code NoValidCACertificate} (no CA reference resolved) or
 * {@code TargetNotFound}; {@code ResolvedRefs} is True, or False with {@code InvalidKind} or {@code
 * InvalidCACertificateRef}, the first problem's reason, naming every problem. The ancestors are the
 * Gateways through which a route attached to them reaches a targeted Service, as the Gateway API
 * recommends for BackendTLSPolicy (policy_types.go, PolicyAncestorStatus).
 */
public final class BackendTlsReports {
  private BackendTlsReports() {}

  /**
   * @param gateways {@link #gatewaysByService}
   */
  public static List<BackendTlsReport> of(
      ClusterState state, Map<ServiceKey, Set<String>> gateways) {
    if (state.backendTls().isEmpty()) {
      return List.of();
    }
    Map<String, BackendTlsPolicies.Outcome> outcomes = BackendTlsPolicies.resolve(state).outcomes();
    List<BackendTlsReport> reports = new ArrayList<>();
    for (BackendTlsState policy : state.backendTls()) {
      reports.add(
          new BackendTlsReport(
              policy.key(),
              ancestors(
                  gateways,
                  policy.namespace(),
                  policy.targets().stream().map(t -> t.service()).toList()),
              accepted(policy, outcomes.get(policy.key())),
              Optional.of(resolvedRefs(policy))));
    }
    return reports;
  }

  /** The Gateways (sorted {@code namespace/name}) through which routes reach these Services. */
  public static List<String> ancestors(
      Map<ServiceKey, Set<String>> gateways, String namespace, List<String> services) {
    Set<String> found = new TreeSet<>();
    services.forEach(
        s -> found.addAll(gateways.getOrDefault(new ServiceKey(namespace, s), Set.of())));
    return List.copyOf(found);
  }

  /**
   * For each Service some route sends requests (or mirrors) to, the Gateways that route is accepted
   * by, as {@code namespace/name}.
   */
  public static Map<ServiceKey, Set<String>> gatewaysByService(
      ClusterState state, List<RouteStatus> statuses) {
    Map<String, Set<String>> gatewaysByRoute = new HashMap<>();
    for (RouteStatus status : statuses) {
      HttpRouteState.ParentRef parent = status.parent();
      if (parent.kind() == HttpRouteState.ParentKind.GATEWAY && status.accepted().status()) {
        gatewaysByRoute
            .computeIfAbsent(status.routeKey(), k -> new TreeSet<>())
            .add(parent.namespace() + "/" + parent.name());
      }
    }
    Map<ServiceKey, Set<String>> byService = new HashMap<>();
    for (HttpRouteState route : state.httpRoutes()) {
      Set<String> gateways = gatewaysByRoute.get(route.key());
      if (gateways == null) {
        continue;
      }
      for (HttpRouteState.Rule rule : route.rules()) {
        List<HttpRouteState.BackendRef> backends = new ArrayList<>(rule.backends());
        rule.mirrors().forEach(m -> backends.add(m.backend()));
        for (HttpRouteState.BackendRef backend : backends) {
          if (backend.unsupportedKind().isEmpty()) {
            byService.computeIfAbsent(backend.service(), k -> new TreeSet<>()).addAll(gateways);
          }
        }
      }
    }
    return byService;
  }

  private static RouteStatus.Condition accepted(
      BackendTlsState policy, BackendTlsPolicies.Outcome outcome) {
    if (policy.unresolved() && policy.noValidCa()) {
      return new RouteStatus.Condition(
          false,
          "NoValidCACertificate",
          "no CA certificate reference resolves: " + problems(policy));
    }
    if (outcome.applied().isEmpty() && !outcome.conflicts().isEmpty()) {
      return new RouteStatus.Condition(false, "Conflicted", String.join("; ", outcome.conflicts()));
    }
    if (outcome.applied().isEmpty()) {
      return new RouteStatus.Condition(
          false, "TargetNotFound", "not found: " + String.join(", ", outcome.notFound()));
    }
    List<String> notes = new ArrayList<>();
    notes.add("TLS to " + String.join(", ", outcome.applied()) + " as " + policy.hostname());
    outcome.conflicts().forEach(c -> notes.add("not to " + c));
    outcome.notFound().forEach(n -> notes.add("not found: " + n));
    return new RouteStatus.Condition(true, "Accepted", String.join("; ", notes));
  }

  private static RouteStatus.Condition resolvedRefs(BackendTlsState policy) {
    if (!policy.unresolved()) {
      return new RouteStatus.Condition(true, "ResolvedRefs", "every reference resolved");
    }
    return new RouteStatus.Condition(
        false,
        policy.refProblems().get(0).reason(),
        problems(policy) + "; requests to its backends fail");
  }

  private static String problems(BackendTlsState policy) {
    return policy.refProblems().stream()
        .map(p -> p.field() + ": " + p.message())
        .collect(Collectors.joining("; "));
  }
}
