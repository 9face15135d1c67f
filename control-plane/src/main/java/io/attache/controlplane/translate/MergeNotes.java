package io.attache.controlplane.translate;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.HttpRouteState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What GEP-713's merge strategies did, for the status of the RateLimitPolicies involved: for each
 * route that has a policy of its own and is attached to a Gateway that has one too, which applies
 * there, told to both. Strategy names as GEP-713 writes them.
 */
final class MergeNotes {
  private final Map<String, Set<String>> notes = new LinkedHashMap<>();

  private MergeNotes() {}

  static MergeNotes of(ClusterState state, FilterAttachments filters) {
    MergeNotes merge = new MergeNotes();
    for (HttpRouteState route : state.httpRoutes()) {
      String routeLimits = filters.routeLimitOwners.get(route.key());
      String routeLocal = filters.routeLocalOwners.get(route.key());
      if (routeLimits == null && routeLocal == null) {
        continue;
      }
      for (HttpRouteState.ParentRef parent : route.parents()) {
        if (parent.kind() != HttpRouteState.ParentKind.GATEWAY) {
          continue;
        }
        String gateway = parent.namespace() + "/" + parent.name();
        merge.compare(
            "limits",
            route.key(),
            routeLimits,
            gateway,
            filters.gatewayLimitOwners.get(gateway),
            filters.limitsOverride(gateway));
        merge.compare(
            "local rate limit",
            route.key(),
            routeLocal,
            gateway,
            filters.gatewayLocalOwners.get(gateway),
            filters.overridingLocal.contains(gateway));
      }
    }
    return merge;
  }

  private void compare(
      String what,
      String route,
      String routePolicy,
      String gateway,
      String gatewayPolicy,
      boolean overrides) {
    if (routePolicy == null || gatewayPolicy == null || routePolicy.equals(gatewayPolicy)) {
      return;
    }
    if (overrides) {
      add(
          routePolicy,
          "on HTTPRoute "
              + route
              + " the "
              + what
              + " of "
              + gatewayPolicy
              + " (Gateway "
              + gateway
              + ") apply instead of its own (AtomicOverrides)");
      add(
          gatewayPolicy,
          "on HTTPRoute "
              + route
              + " its "
              + what
              + " apply instead of those of "
              + routePolicy
              + " (AtomicOverrides)");
    } else {
      add(
          gatewayPolicy,
          "on HTTPRoute "
              + route
              + " the "
              + what
              + " of "
              + routePolicy
              + " apply instead of its own (AtomicDefaults)");
    }
  }

  private void add(String policy, String note) {
    notes.computeIfAbsent(policy, p -> new TreeSet<>()).add(note);
  }

  List<String> of(String policy) {
    return new ArrayList<>(notes.getOrDefault(policy, Set.of()));
  }
}
