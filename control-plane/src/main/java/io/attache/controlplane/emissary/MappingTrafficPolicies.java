package io.attache.controlplane.emissary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code attache.io} TrafficPolicies that carry Mappings' {@code retry_policy} (on the group's
 * route) and {@code load_balancer} and {@code circuit_breakers} (on the Service: Envoy balances and
 * breaks per cluster, and Emissary makes one per service). Mappings of one Service that disagree
 * are reported, the first (by name) applied.
 */
final class MappingTrafficPolicies {
  private MappingTrafficPolicies() {}

  static List<Map<String, Object>> of(List<MappingGroups.Group> routed, List<String> report) {
    List<Map<String, Object>> policies = new ArrayList<>();
    Map<String, EmissaryMapping> byService = new LinkedHashMap<>();
    for (MappingGroups.Group group : routed) {
      EmissaryMapping primary = group.primary();
      primary.traffic().retry().ifPresent(retry -> policies.add(routePolicy(primary, retry)));
      for (EmissaryMapping mapping : group.mappings()) {
        if (!mapping.traffic().retry().equals(primary.traffic().retry())) {
          report.add(
              "Mapping "
                  + mapping.key()
                  + ": spec.retry_policy differs from "
                  + primary.key()
                  + "'s, with which it shares a route; the route keeps "
                  + primary.key()
                  + "'s");
        }
        if (!mapping.traffic().clusterSettings()) {
          continue;
        }
        Optional<ServiceName> service = ServiceName.of(mapping);
        if (service.isEmpty()) {
          continue; // reported with the backend
        }
        String key = service.get().namespace() + "/" + service.get().name();
        EmissaryMapping first = byService.putIfAbsent(key, mapping);
        if (first != null && !sameClusterSettings(first, mapping)) {
          report.add(
              "Mapping "
                  + mapping.key()
                  + ": spec.load_balancer and spec.circuit_breakers differ from "
                  + first.key()
                  + "'s for the same Service "
                  + key
                  + "; the Service keeps "
                  + first.key()
                  + "'s");
        }
      }
    }
    byService.forEach((service, mapping) -> policies.add(servicePolicy(service, mapping)));
    return policies;
  }

  private static boolean sameClusterSettings(EmissaryMapping a, EmissaryMapping b) {
    return a.traffic().loadBalancer().equals(b.traffic().loadBalancer())
        && a.traffic().circuitBreaker().equals(b.traffic().circuitBreaker());
  }

  private static Map<String, Object> routePolicy(
      EmissaryMapping primary, Map<String, Object> retry) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put(
        "targetRefs", List.of(target("gateway.networking.k8s.io", "HTTPRoute", primary.name())));
    spec.put("retry", retry);
    return Yaml.object(
        "attache.io/v1alpha1",
        "TrafficPolicy",
        primary.namespace(),
        primary.name() + "-retry",
        spec);
  }

  private static Map<String, Object> servicePolicy(String service, EmissaryMapping mapping) {
    String namespace = service.substring(0, service.indexOf('/'));
    String name = service.substring(service.indexOf('/') + 1);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("targetRefs", List.of(target("", "Service", name)));
    mapping.traffic().loadBalancer().ifPresent(lb -> spec.put("loadBalancer", lb));
    mapping.traffic().circuitBreaker().ifPresent(cb -> spec.put("circuitBreaker", cb));
    return Yaml.object("attache.io/v1alpha1", "TrafficPolicy", namespace, "emissary-" + name, spec);
  }

  private static Map<String, Object> target(String group, String kind, String name) {
    Map<String, Object> target = new LinkedHashMap<>();
    target.put("group", group);
    target.put("kind", kind);
    target.put("name", name);
    return target;
  }
}
