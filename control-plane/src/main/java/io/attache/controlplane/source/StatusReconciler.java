package io.attache.controlplane.source;

import io.attache.controlplane.model.GatewayReport;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.RouteKind;
import io.attache.controlplane.model.RouteStatus;
import io.attache.controlplane.model.ServiceKey;
import io.attache.controlplane.translate.BackendTlsReport;
import io.attache.controlplane.translate.BackendTlsReports;
import io.attache.controlplane.translate.PolicyVerdict;
import io.attache.crds.AcceptedStatus;
import io.attache.crds.Conditions;
import io.attache.crds.PolicyStatus;
import io.attache.crds.Verdict;
import io.attache.crds.v1alpha1.AuthPolicy;
import io.attache.crds.v1alpha1.RateLimitPolicy;
import io.attache.crds.v1alpha1.TrafficPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes what one read of the API found into the status of the objects it read: GatewayClass,
 * Gateway, HTTPRoute, TrafficPolicy, BackendTLSPolicy, and the {@code ResolvedRefs} condition of
 * AuthPolicies and RateLimitPolicies. Only the replica holding the status Lease calls it; each
 * writer skips a write that would change nothing.
 */
final class StatusReconciler {
  private final KubernetesClient client;
  private final RouteStatusWriter routes;
  private final GatewayStatusWriter gateways;
  private final GatewayClassStatusWriter gatewayClasses;
  private final BackendTlsStatusWriter backendTls;

  /**
   * What a read found.
   *
   * @param invalid the errors of each object that was invalid as read (its last good version may
   *     still be served)
   * @param foreignGateways the Gateways of other classes, as {@code namespace/name}
   */
  record Found(
      List<GatewayClass> gatewayClasses,
      List<Gateway> gateways,
      List<HTTPRoute> routes,
      List<GRPCRoute> grpcRoutes,
      List<TLSRoute> tlsRoutes,
      List<TCPRoute> tcpRoutes,
      List<TrafficPolicy> trafficPolicies,
      List<AuthPolicy> authPolicies,
      List<RateLimitPolicy> rateLimitPolicies,
      List<BackendTLSPolicy> backendTlsPolicies,
      List<GatewayReport> gatewayReports,
      List<RouteStatus> routeStatuses,
      List<PolicyVerdict> trafficVerdicts,
      List<PolicyVerdict> attachmentVerdicts,
      List<BackendTlsReport> backendTlsReports,
      Map<ServiceKey, Set<String>> gatewaysByService,
      Map<ObjectKey, List<ResourceError>> invalid,
      Set<String> foreignGateways) {}

  StatusReconciler(KubernetesClient client) {
    this.client = client;
    this.routes = new RouteStatusWriter(client);
    this.gateways = new GatewayStatusWriter(client);
    this.gatewayClasses = new GatewayClassStatusWriter(client);
    this.backendTls = new BackendTlsStatusWriter(client);
  }

  void write(Found found) {
    found.gatewayClasses().forEach(gatewayClasses::write);
    for (Gateway gateway : found.gateways()) {
      String key = KubernetesResources.key(gateway);
      ObjectKey object = ObjectKey.of("Gateway", gateway);
      boolean parameters =
          found.invalid().getOrDefault(object, List.of()).stream()
              .anyMatch(e -> e.field().startsWith(GatewayConverter.PARAMETERS_REF));
      gateways.write(
          gateway,
          found.gatewayReports().stream().filter(r -> r.gatewayKey().equals(key)).findFirst(),
          problems(found, object),
          // gateway-api apis/v1/gateway_types.go, GatewayReasonInvalidParameters
          parameters ? "InvalidParameters" : "Invalid");
    }
    for (HTTPRoute route : found.routes()) {
      writeRoute(found, RouteStatusWriter.HTTP, route);
    }
    for (GRPCRoute route : found.grpcRoutes()) {
      writeRoute(found, RouteStatusWriter.GRPC, route);
    }
    for (TLSRoute route : found.tlsRoutes()) {
      writeRoute(found, RouteStatusWriter.TLS, route);
    }
    for (TCPRoute route : found.tcpRoutes()) {
      writeRoute(found, RouteStatusWriter.TCP, route);
    }
    for (TrafficPolicy policy : found.trafficPolicies()) {
      verdict(found, "TrafficPolicy", policy, found.trafficVerdicts(), false)
          .ifPresent(v -> AcceptedStatus.write(client, TrafficPolicy.class, policy, v));
    }
    writeTargets(AuthPolicy.class, "AuthPolicy", found.authPolicies(), found);
    writeTargets(RateLimitPolicy.class, "RateLimitPolicy", found.rateLimitPolicies(), found);
    for (BackendTLSPolicy policy : found.backendTlsPolicies()) {
      backendTlsReport(found, policy).ifPresent(r -> backendTls.write(policy, r));
    }
  }

  /**
   * The policy's report: invalid as read ({@code Accepted=False}, reason {@code Invalid}, on the
   * Gateways its Service targets are reached through), or what resolving it gave.
   */
  private static Optional<BackendTlsReport> backendTlsReport(Found found, BackendTLSPolicy policy) {
    String key = KubernetesResources.key(policy);
    Optional<String> problems = problems(found, ObjectKey.of("BackendTLSPolicy", policy));
    if (problems.isEmpty()) {
      return found.backendTlsReports().stream().filter(r -> r.policyKey().equals(key)).findFirst();
    }
    List<String> services =
        policy.getSpec() == null
            ? List.of()
            : HttpRouteConverter.orEmpty(policy.getSpec().getTargetRefs()).stream()
                .filter(t -> "Service".equals(t.getKind()) && t.getName() != null)
                .map(t -> t.getName())
                .toList();
    return Optional.of(
        new BackendTlsReport(
            key,
            BackendTlsReports.ancestors(
                found.gatewaysByService(), Metadata.namespace(policy), services),
            new RouteStatus.Condition(false, "Invalid", problems.get()),
            Optional.empty()));
  }

  private <R extends HasMetadata> void writeRoute(
      Found found, RouteStatusWriter.Access<R> access, R route) {
    RouteKind kind = access.kind();
    String key = HttpRouteState.key(kind, Metadata.namespace(route), route.getMetadata().getName());
    routes.write(
        access,
        route,
        found.routeStatuses().stream().filter(s -> s.routeKey().equals(key)).toList(),
        problems(found, ObjectKey.of(kind.kindName(), route)),
        found.foreignGateways());
  }

  /**
   * ext-authz and ratelimit-service own the {@code Accepted} condition of their policies; the
   * control plane reports whether the targets resolved, as {@code ResolvedRefs}.
   */
  private <T extends CustomResource<?, PolicyStatus>> void writeTargets(
      Class<T> type, String kind, List<T> policies, Found found) {
    for (T policy : policies) {
      verdict(found, kind, policy, found.attachmentVerdicts(), true)
          .ifPresent(v -> AcceptedStatus.write(client, type, policy, Conditions.RESOLVED_REFS, v));
    }
  }

  /**
   * The policy's verdict: invalid as read, or what resolving its targets gave ({@code
   * resolvedRefs}: an accepted one reads {@code ResolvedRefs}); empty when it has neither.
   */
  private static Optional<Verdict> verdict(
      Found found,
      String kind,
      CustomResource<?, ?> policy,
      List<PolicyVerdict> verdicts,
      boolean resolvedRefs) {
    String key = KubernetesResources.key(policy);
    long generation = Metadata.generation(policy);
    Optional<String> problems = problems(found, ObjectKey.of(kind, policy));
    if (problems.isPresent()) {
      return Optional.of(new Verdict(false, "Invalid", problems.get(), generation));
    }
    return verdicts.stream()
        .filter(v -> v.policyKey().equals(key))
        .findFirst()
        .map(
            v ->
                new Verdict(
                    v.accepted(),
                    resolvedRefs && v.accepted() ? "ResolvedRefs" : v.reason(),
                    v.message(),
                    generation));
  }

  private static Optional<String> problems(Found found, ObjectKey key) {
    return Optional.ofNullable(found.invalid().get(key)).map(ConfigAudit::describe);
  }
}
