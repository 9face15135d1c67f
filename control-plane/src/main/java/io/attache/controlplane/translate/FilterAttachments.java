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
 * route has one local token bucket: the oldest policy's, the others told they conflict. Between a
 * Gateway's policy and a route's, GEP-713's atomic strategies decide ({@link #rateLimits}), and
 * each policy's status says where the other applies ({@link MergeNotes}).
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
  // Which policy holds each target's limits and bucket, for the GEP-713 notes in their status.
  final Map<String, String> routeLimitOwners = new HashMap<>();
  final Map<String, String> gatewayLimitOwners = new HashMap<>();
  final Map<String, String> routeLocalOwners = new HashMap<>();
  final Map<String, String> gatewayLocalOwners = new HashMap<>();

  /** Per Gateway with rate-limit policies, whether they override (GEP-713 AtomicOverrides). */
  private final Map<String, Boolean> gatewayStrategies = new HashMap<>();

  private final List<PolicyVerdict> verdicts = new ArrayList<>();

  /** Whether a route has rate-limit labels of its own (RouteExtensions), policy or none. */
  private boolean anyLabels;

  /** Whether a route has a CORS policy (RouteExtensions). */
  private boolean anyCors;

  public static FilterAttachments resolve(ClusterState state) {
    FilterAttachments filters = new FilterAttachments();
    Set<String> targetNames = new HashSet<>();
    state.attachments().forEach(p -> p.targets().forEach(t -> targetNames.add(t.name())));
    Set<String> routes = TrafficPolicies.routeKeys(state.httpRoutes(), targetNames);
    filters.anyLabels =
        state.httpRoutes().stream().anyMatch(r -> r.extensions().labels().isPresent());
    filters.anyCors = anyCors(state);
    Set<String> gateways = new HashSet<>();
    state.gateways().forEach(g -> gateways.add(g.key()));
    List<PolicyAttachment> ordered = new ArrayList<>(state.attachments());
    ordered.sort(PRECEDENCE);
    List<Resolved> resolved = new ArrayList<>();
    for (PolicyAttachment policy : ordered) {
      if (policy.targets().isEmpty()) {
        continue; // a RateLimitPolicy served to rate-limit services only: nothing to attach
      }
      Resolved outcome = new Resolved(policy);
      for (PolicyAttachment.Target target : policy.targets()) {
        String key = policy.namespace() + "/" + target.name();
        boolean route = target.kind() == PolicyAttachment.TargetKind.HTTP_ROUTE;
        if (!(route ? routes : gateways).contains(key)) {
          outcome.problems.add((route ? "HTTPRoute " : "Gateway ") + key + " not found");
          continue;
        }
        if (policy.kind() == PolicyAttachment.Kind.AUTH) {
          (route ? filters.authRoutes : filters.authGateways).add(key);
          continue;
        }
        filters.attachLimits(policy, route, key, outcome);
      }
      resolved.add(outcome);
    }
    MergeNotes notes = MergeNotes.of(state, filters);
    for (Resolved outcome : resolved) {
      filters.verdicts.add(
          PolicyVerdict.of(
              outcome.policy.key(),
              outcome.policy.generation(),
              outcome.policy.targets().size(),
              outcome.problems,
              outcome.conflicted,
              notes.of(outcome.policy.key())));
    }
    return filters;
  }

  /** One policy's targets as resolved: the problems, and whether an older policy holds one. */
  private static final class Resolved {
    final PolicyAttachment policy;
    final List<String> problems = new ArrayList<>();
    boolean conflicted;

    Resolved(PolicyAttachment policy) {
      this.policy = policy;
    }
  }

  /** A RateLimitPolicy's global limits and local bucket on one of its targets. */
  private void attachLimits(PolicyAttachment policy, boolean route, String key, Resolved outcome) {
    PolicyAttachment.RateLimits own = policy.rateLimits().orElseThrow();
    String what = (route ? "HTTPRoute " : "Gateway ") + key;
    if (!route && !strategyAgrees(policy, key, what, outcome)) {
      return;
    }
    if (!own.descriptors().isEmpty()) {
      Optional<String> clash = addLimits(route ? limitsByRoute : limitsByGateway, key, own);
      clash.ifPresent(
          domain ->
              outcome.problems.add(
                  what + " is already limited in domain '" + domain + "' by an older policy"));
      outcome.conflicted |= clash.isPresent();
      (route ? routeLimitOwners : gatewayLimitOwners).putIfAbsent(key, policy.key());
    }
    if (own.local().isPresent()) {
      if ((route ? localByRoute : localByGateway).putIfAbsent(key, own.local().get()) != null) {
        outcome.problems.add(what + " already has a local rate limit from an older policy");
        outcome.conflicted = true;
      } else {
        (route ? routeLocalOwners : gatewayLocalOwners).put(key, policy.key());
      }
    }
  }

  /**
   * A Gateway's policies share one merge strategy: a newer policy asking for the other one
   * conflicts, as its strategy could not apply without overturning the older policy's.
   */
  private boolean strategyAgrees(
      PolicyAttachment policy, String gateway, String what, Resolved outcome) {
    boolean overrides = policy.rateLimits().orElseThrow().overrides();
    Boolean held = gatewayStrategies.putIfAbsent(gateway, overrides);
    if (held == null || held == overrides) {
      return true;
    }
    outcome.problems.add(
        what
            + " already has policies with mergeStrategy "
            + (held ? "AtomicOverrides" : "AtomicDefaults")
            + " from an older policy");
    outcome.conflicted = true;
    return false;
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
    limits.put(
        key,
        new PolicyAttachment.RateLimits(
            own.domain(), merged, Optional.empty(), Optional.empty(), held.overrides()));
    return Optional.empty();
  }

  /** Whether any route is sent to ext-authz. */
  public boolean anyAuth() {
    return !authRoutes.isEmpty() || !authGateways.isEmpty();
  }

  /** Whether any route is rate limited by ratelimit-service. */
  public boolean anyRateLimit() {
    return !limitsByRoute.isEmpty() || !limitsByGateway.isEmpty() || anyLabels;
  }

  /** Whether any route has a CORS policy, so the Gateway listeners carry Envoy's CORS filter. */
  public boolean anyCors() {
    return anyCors;
  }

  static boolean anyCors(ClusterState state) {
    return state.httpRoutes().stream().anyMatch(r -> r.extensions().cors().isPresent());
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

  boolean auth(HttpRouteState route, Optional<String> gatewayKey) {
    // The route's key is built only when some route has a policy: this runs per Envoy route.
    return (!authRoutes.isEmpty() && authRoutes.contains(route.key()))
        || (gatewayKey.isPresent() && authGateways.contains(gatewayKey.get()));
  }

  /**
   * Whether a route's Gateway's policies apply on it rather than the route's own, by GEP-713's
   * atomic strategies, for limits and bucket together: the Gateway's when they override ({@code
   * AtomicOverrides}); else the route's when it has a policy of its own; else the Gateway's, as
   * defaults ({@code AtomicDefaults}).
   */
  boolean gatewayApplies(String routeKey, Optional<String> gatewayKey) {
    if (gatewayKey.isEmpty()) {
      return false;
    }
    return overrides(gatewayKey.get())
        || (!limitsByRoute.containsKey(routeKey) && !localByRoute.containsKey(routeKey));
  }

  /** Whether the Gateway's rate-limit policies override its routes'. */
  boolean overrides(String gatewayKey) {
    return Boolean.TRUE.equals(gatewayStrategies.get(gatewayKey));
  }

  /**
   * The limits a route is sent with (one domain per route). A route's labels ({@link
   * io.attache.controlplane.model.RouteExtensions}) are its own limits where no RateLimitPolicy of
   * its own applies: a Gateway's policy overrides them only with {@code AtomicOverrides}.
   */
  Optional<PolicyAttachment.RateLimits> rateLimits(
      HttpRouteState route, Optional<String> gatewayKey) {
    String key = routeKey(route);
    Optional<PolicyAttachment.RateLimits> labels = route.extensions().labels();
    if (labels.isPresent() && !limitsByRoute.containsKey(key)) {
      return gatewayKey.filter(this::overrides).map(limitsByGateway::get).or(() -> labels);
    }
    return gatewayApplies(key, gatewayKey)
        ? gatewayKey.map(limitsByGateway::get)
        : Optional.ofNullable(limitsByRoute.get(key));
  }

  /** A route's local bucket, decided with its limits. */
  Optional<PolicyAttachment.Local> local(HttpRouteState route, Optional<String> gatewayKey) {
    String key = routeKey(route);
    return gatewayApplies(key, gatewayKey)
        ? gatewayKey.map(localByGateway::get)
        : Optional.ofNullable(localByRoute.get(key));
  }

  /**
   * The route's key when some route has limits or a bucket of its own, else one no route has: this
   * runs per Envoy route, and without route policies building the key found nothing.
   */
  private String routeKey(HttpRouteState route) {
    return limitsByRoute.isEmpty() && localByRoute.isEmpty() ? "" : route.key();
  }

  public List<PolicyVerdict> verdicts() {
    return List.copyOf(verdicts);
  }
}
