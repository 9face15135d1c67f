package io.attache.controlplane.translate;

import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.RouteKind;
import io.attache.controlplane.model.RouteStatus.Condition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An HTTPRoute and a GRPCRoute may not share a listener's hostname: of two that would, the older
 * one (then the first by {@code namespace/name}) is accepted and the other is not, for that parent
 * (gateway-api apis/v1/grpcroute_types.go, GRPCRouteSpec.hostnames).
 */
final class KindConflicts {
  private KindConflicts() {}

  /** A route's accepted attachment to one Gateway parent, before conflicts are settled. */
  record Candidate(HttpRouteState route, List<GatewayParents.ListenerHosts> listeners) {}

  private static final Comparator<Candidate> AGE =
      Comparator.comparing((Candidate c) -> c.route().created())
          .thenComparing(c -> c.route().namespace() + "/" + c.route().name());

  /** The candidates refused, each with the condition that says why. */
  static Map<Candidate, Condition> refused(List<Candidate> candidates) {
    Map<Candidate, Condition> refused = new IdentityHashMap<>();
    if (oneKind(candidates)) {
      return refused; // nothing can conflict
    }
    // Per listener, the hosts each kind holds there so far, with the route holding them.
    Map<String, Map<RouteKind, List<Held>>> held = new HashMap<>();
    List<Candidate> byAge = new ArrayList<>(candidates);
    byAge.sort(AGE);
    for (Candidate candidate : byAge) {
      Optional<Held> conflict = conflict(candidate, held);
      if (conflict.isPresent()) {
        refused.put(candidate, condition(candidate.route(), conflict.get().route()));
        continue;
      }
      for (GatewayParents.ListenerHosts listener : candidate.listeners()) {
        held.computeIfAbsent(listener.listenerKey(), k -> new HashMap<>())
            .computeIfAbsent(candidate.route().kind(), k -> new ArrayList<>())
            .add(new Held(candidate.route(), listener.hosts()));
      }
    }
    return refused;
  }

  private static boolean oneKind(List<Candidate> candidates) {
    for (Candidate candidate : candidates) {
      if (candidate.route().kind() != candidates.get(0).route().kind()) {
        return false;
      }
    }
    return true;
  }

  private record Held(HttpRouteState route, Set<String> hosts) {}

  private static Optional<Held> conflict(
      Candidate candidate, Map<String, Map<RouteKind, List<Held>>> held) {
    for (GatewayParents.ListenerHosts listener : candidate.listeners()) {
      Map<RouteKind, List<Held>> kinds = held.getOrDefault(listener.listenerKey(), Map.of());
      for (Map.Entry<RouteKind, List<Held>> entry : kinds.entrySet()) {
        if (entry.getKey() == candidate.route().kind()) {
          continue;
        }
        for (Held other : entry.getValue()) {
          if (overlap(listener.hosts(), other.hosts())) {
            return Optional.of(other);
          }
        }
      }
    }
    return Optional.empty();
  }

  private static boolean overlap(Set<String> a, Set<String> b) {
    for (String x : a) {
      for (String y : b) {
        if (Hostnames.overlap(x, y)) {
          return true;
        }
      }
    }
    return false;
  }

  private static final String RULE =
      "; of an HTTPRoute and a GRPCRoute sharing a hostname, the older is accepted";

  private static Condition condition(HttpRouteState refused, HttpRouteState older) {
    return new Condition(
        false,
        "NotAllowedByListeners",
        older.describe()
            + " is attached to the same listener with a hostname this "
            + refused.kind().kindName()
            + " shares"
            + RULE);
  }

  /** Whether some route was refused for sharing a hostname with a route of the other kind. */
  static boolean any(RouteAttachments attachments) {
    return attachments.statuses().stream()
        .anyMatch(s -> !s.accepted().status() && s.accepted().message().endsWith(RULE));
  }
}
