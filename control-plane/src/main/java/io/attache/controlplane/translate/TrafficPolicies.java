package io.attache.controlplane.translate;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.ServiceKey;
import io.attache.controlplane.model.ServiceState;
import io.attache.controlplane.model.TrafficPolicyState;
import io.attache.controlplane.model.TrafficPolicyState.Target;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which TrafficPolicy applies to each cluster and each HTTPRoute. When several target the same one,
 * the oldest wins (then namespace/name), as Gateway API policy attachment (GEP-713) says; the
 * others are told they conflict. Targets are local: a policy reaches objects in its own namespace
 * only.
 */
public final class TrafficPolicies {
  private static final Comparator<TrafficPolicyState> PRECEDENCE =
      Comparator.comparing(TrafficPolicyState::created).thenComparing(TrafficPolicyState::key);

  private final Map<String, TrafficPolicyState> byCluster = new HashMap<>();
  private final Map<String, TrafficPolicyState> byRoute = new HashMap<>();
  private final List<PolicyVerdict> verdicts = new ArrayList<>();

  public static TrafficPolicies resolve(ClusterState state) {
    TrafficPolicies policies = new TrafficPolicies();
    if (state.trafficPolicies().isEmpty()) {
      return policies; // the common case: no index of 50k Services and routes per change
    }
    Set<String> targetNames = new HashSet<>();
    state.trafficPolicies().forEach(p -> p.targets().forEach(t -> targetNames.add(t.name())));
    Map<ServiceKey, ServiceState> services = new HashMap<>();
    for (ServiceState service : state.services()) {
      if (targetNames.contains(service.name())) {
        services.put(service.key(), service);
      }
    }
    Set<String> routes = routeKeys(state.httpRoutes(), targetNames);
    List<TrafficPolicyState> ordered = new ArrayList<>(state.trafficPolicies());
    ordered.sort(PRECEDENCE);
    for (TrafficPolicyState policy : ordered) {
      List<String> problems = new ArrayList<>();
      boolean conflicted = false;
      for (Target target : policy.targets()) {
        if (target.kind() == Target.Kind.HTTP_ROUTE) {
          String key = policy.namespace() + "/" + target.name();
          if (!routes.contains(key)) {
            problems.add("HTTPRoute " + key + " not found");
          } else if (policies.byRoute.putIfAbsent(key, policy) != null) {
            problems.add(
                "HTTPRoute "
                    + key
                    + " already has TrafficPolicy "
                    + policies.byRoute.get(key).key());
            conflicted = true;
          }
          continue;
        }
        ServiceState service = services.get(new ServiceKey(policy.namespace(), target.name()));
        if (service == null) {
          problems.add("Service " + policy.namespace() + "/" + target.name() + " not found");
          continue;
        }
        List<String> clusters = XdsNames.clusters(service, target.section());
        for (String cluster : clusters) {
          TrafficPolicyState holder = policies.byCluster.putIfAbsent(cluster, policy);
          if (holder != null) {
            problems.add("cluster " + cluster + " already has TrafficPolicy " + holder.key());
            conflicted = true;
          }
        }
        if (clusters.isEmpty()) {
          problems.add(
              "Service " + service.key() + " has no port named " + target.section().orElse(""));
        }
      }
      policies.verdicts.add(
          PolicyVerdict.of(
              policy.key(), policy.generation(), policy.targets().size(), problems, conflicted));
    }
    return policies;
  }

  /**
   * The keys of the routes named one of {@code names}: the only ones a policy's target can be. A
   * change in a cluster of 50k routes then builds a key for the few that might be targets, not for
   * every route.
   */
  static Set<String> routeKeys(List<HttpRouteState> routes, Set<String> names) {
    Set<String> keys = new HashSet<>();
    if (!names.isEmpty()) {
      for (HttpRouteState route : routes) {
        if (names.contains(route.name())) {
          keys.add(route.key());
        }
      }
    }
    return keys;
  }

  public Optional<TrafficPolicyState> forCluster(String cluster) {
    return Optional.ofNullable(byCluster.get(cluster));
  }

  public Optional<TrafficPolicyState> forRoute(HttpRouteState route) {
    // Per Envoy route: without route policies, no key is built.
    return byRoute.isEmpty() ? Optional.empty() : Optional.ofNullable(byRoute.get(route.key()));
  }

  public List<PolicyVerdict> verdicts() {
    return List.copyOf(verdicts);
  }
}
