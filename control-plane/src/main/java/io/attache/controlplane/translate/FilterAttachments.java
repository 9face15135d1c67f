package io.attache.controlplane.translate;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.PolicyAttachment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which routes go through ext-authz and which are rate limited, from the targets of AuthPolicies
 * and RateLimitPolicies. A Gateway target covers every route attached through it. Rate limits of
 * several policies on one route add up when they share a domain; Envoy sends one domain per route,
 * so of policies with different domains the oldest wins and the others are told they conflict. A
 * route has one local token bucket: the oldest policy's, the others told they conflict.
 */
public final class FilterAttachments {
  private static final Comparator<PolicyAttachment> PRECEDENCE =
      Comparator.comparing(PolicyAttachment::created).thenComparing(PolicyAttachment::key);

  private final Set<String> authRoutes = new HashSet<>();
  private final Set<String> authGateways = new HashSet<>();
  private final Map<String, PolicyAttachment.RateLimits> limitsByRoute = new HashMap<>();
  private final Map<String, PolicyAttachment.RateLimits> limitsByGateway = new HashMap<>();
  private final Map<String, PolicyAttachment.Local> localByRoute = new HashMap<>();
  private final Map<String, PolicyAttachment.Local> localByGateway = new HashMap<>();
  private final List<PolicyVerdict> verdicts = new ArrayList<>();

  public static FilterAttachments resolve(ClusterState state) {
    FilterAttachments filters = new FilterAttachments();
    Set<String> routes = new HashSet<>();
    state.httpRoutes().forEach(r -> routes.add(r.key()));
    Set<String> gateways = new HashSet<>();
    state.gateways().forEach(g -> gateways.add(g.key()));
    List<PolicyAttachment> ordered = new ArrayList<>(state.attachments());
    ordered.sort(PRECEDENCE);
    for (PolicyAttachment policy : ordered) {
      if (policy.targets().isEmpty()) {
        continue; // a RateLimitPolicy served to rate-limit services only: nothing to attach
      }
      List<String> problems = new ArrayList<>();
      boolean conflicted = false;
      for (PolicyAttachment.Target target : policy.targets()) {
        String key = policy.namespace() + "/" + target.name();
        boolean route = target.kind() == PolicyAttachment.TargetKind.HTTP_ROUTE;
        if (!(route ? routes : gateways).contains(key)) {
          problems.add((route ? "HTTPRoute " : "Gateway ") + key + " not found");
          continue;
        }
        if (policy.kind() == PolicyAttachment.Kind.AUTH) {
          (route ? filters.authRoutes : filters.authGateways).add(key);
          continue;
        }
        PolicyAttachment.RateLimits own = policy.rateLimits().orElseThrow();
        String what = (route ? "HTTPRoute " : "Gateway ") + key;
        if (!own.descriptors().isEmpty()) {
          Optional<String> clash =
              filters.addLimits(route ? filters.limitsByRoute : filters.limitsByGateway, key, own);
          clash.ifPresent(
              domain ->
                  problems.add(
                      what + " is already limited in domain '" + domain + "' by an older policy"));
          conflicted |= clash.isPresent();
        }
        if (own.local().isPresent()
            && (route ? filters.localByRoute : filters.localByGateway)
                    .putIfAbsent(key, own.local().get())
                != null) {
          problems.add(what + " already has a local rate limit from an older policy");
          conflicted = true;
        }
      }
      filters.verdicts.add(
          PolicyVerdict.of(
              policy.key(), policy.generation(), policy.targets().size(), problems, conflicted));
    }
    return filters;
  }

  /**
   * Adds a policy's global limits to a target's: merged with those of the same domain; refused,
   * with the domain held, when an older policy limits the target in another.
   */
  private Optional<String> addLimits(
      Map<String, PolicyAttachment.RateLimits> limits,
      String key,
      PolicyAttachment.RateLimits own) {
    PolicyAttachment.RateLimits held = limits.get(key);
    if (held == null) {
      limits.put(key, own);
      return Optional.empty();
    }
    if (!held.domain().equals(own.domain())) {
      return Optional.of(held.domain());
    }
    List<List<PolicyAttachment.Action>> merged = new ArrayList<>(held.descriptors());
    merged.addAll(own.descriptors());
    limits.put(key, new PolicyAttachment.RateLimits(own.domain(), merged));
    return Optional.empty();
  }

  /** Whether any route is sent to ext-authz. */
  public boolean anyAuth() {
    return !authRoutes.isEmpty() || !authGateways.isEmpty();
  }

  /** Whether any route is rate limited by ratelimit-service. */
  public boolean anyRateLimit() {
    return !limitsByRoute.isEmpty() || !limitsByGateway.isEmpty();
  }

  /** Whether any route has a local rate limit (Envoy's own token bucket). */
  public boolean anyLocalRateLimit() {
    return !localByRoute.isEmpty() || !localByGateway.isEmpty();
  }

  /**
   * Whether any policy of {@code state} has a local rate limit, targeted or not: cheap, so a
   * translation in part can skip resolving the state before it when none has.
   */
  static boolean anyLocalPolicy(ClusterState state) {
    for (PolicyAttachment policy : state.attachments()) {
      if (policy.rateLimits().flatMap(PolicyAttachment.RateLimits::local).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /** The route's own local limit wins over its Gateway's. */
  Optional<PolicyAttachment.Local> local(HttpRouteState route, Optional<String> gatewayKey) {
    return Optional.ofNullable(localByRoute.get(route.key()))
        .or(() -> gatewayKey.map(localByGateway::get));
  }

  boolean auth(HttpRouteState route, Optional<String> gatewayKey) {
    return authRoutes.contains(route.key()) || gatewayKey.map(authGateways::contains).orElse(false);
  }

  /** The route's own limits win over its Gateway's (one domain per route). */
  Optional<PolicyAttachment.RateLimits> rateLimits(
      HttpRouteState route, Optional<String> gatewayKey) {
    return Optional.ofNullable(limitsByRoute.get(route.key()))
        .or(() -> gatewayKey.map(limitsByGateway::get));
  }

  public List<PolicyVerdict> verdicts() {
    return List.copyOf(verdicts);
  }
}
