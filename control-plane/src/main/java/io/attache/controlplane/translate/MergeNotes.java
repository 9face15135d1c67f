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
    if (filters.routeLimitOwners.isEmpty() && filters.routeLocalOwners.isEmpty()) {
      return merge; // no route has limits of its own: nothing merges
    }
    for (HttpRouteState route : state.httpRoutes()) {
      Set<String> own =
          owners(
              filters.routeLimitOwners.get(route.key()), filters.routeLocalOwners.get(route.key()));
      if (own.isEmpty()) {
        continue;
      }
      for (HttpRouteState.ParentRef parent : route.parents()) {
        if (parent.kind() != HttpRouteState.ParentKind.GATEWAY) {
          continue;
        }
        String gateway = parent.namespace() + "/" + parent.name();
        Set<String> above =
            owners(
                filters.gatewayLimitOwners.get(gateway), filters.gatewayLocalOwners.get(gateway));
        if (!above.isEmpty()) {
          merge.compare(route.key(), own, gateway, above, filters.overrides(gateway));
        }
      }
    }
    return merge;
  }

  private static Set<String> owners(String limits, String local) {
    Set<String> owners = new TreeSet<>();
    if (limits != null) {
      owners.add(limits);
    }
    if (local != null) {
      owners.add(local);
    }
    return owners;
  }

  private void compare(
      String route, Set<String> own, String gateway, Set<String> above, boolean overrides) {
    String routePolicies = String.join(", ", own);
    String gatewayPolicies = String.join(", ", above);
    if (overrides) {
      for (String policy : own) {
        add(
            policy,
            "on HTTPRoute "
                + route
                + " the policies of Gateway "
                + gateway
                + " ("
                + gatewayPolicies
                + ") apply instead of its own (AtomicOverrides)");
      }
      for (String policy : above) {
        add(
            policy,
            "on HTTPRoute "
                + route
                + " it applies instead of "
                + routePolicies
                + " (AtomicOverrides)");
      }
    } else {
      for (String policy : above) {
        add(
            policy,
            "on HTTPRoute "
                + route
                + " the route's own policies ("
                + routePolicies
                + ") apply instead (AtomicDefaults)");
      }
    }
  }

  private void add(String policy, String note) {
    notes.computeIfAbsent(policy, p -> new TreeSet<>()).add(note);
  }

  /**
   * A policy's notes, at most {@value #SHOWN} and a count of the rest: a Gateway's policy over
   * thousands of routes must not grow its status without bound.
   */
  List<String> of(String policy) {
    List<String> all = new ArrayList<>(notes.getOrDefault(policy, Set.of()));
    if (all.size() <= SHOWN) {
      return all;
    }
    List<String> shown = new ArrayList<>(all.subList(0, SHOWN));
    shown.add("and " + (all.size() - SHOWN) + " more routes alike");
    return shown;
  }

  private static final int SHOWN = 5;
}
