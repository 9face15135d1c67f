package io.attache.controlplane.translate;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import io.attache.controlplane.model.TrafficPolicyState;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import java.util.Optional;

/**
 * Turns a TrafficPolicy into Envoy settings: cluster settings (load balancer, circuit breakers,
 * outlier detection, health checks, connect timeout) and route settings (retry policy, hash
 * policy).
 */
final class PolicySettings {
  private PolicySettings() {}

  static void applyToCluster(Cluster.Builder cluster, TrafficPolicyState policy) {
    policy.loadBalancer().ifPresent(lb -> loadBalancer(cluster, lb));
    policy
        .circuitBreaker()
        .ifPresent(
            cb -> {
              CircuitBreakers.Thresholds.Builder thresholds =
                  CircuitBreakers.Thresholds.newBuilder().setPriority(RoutingPriority.DEFAULT);
              cb.maxConnections().ifPresent(v -> thresholds.setMaxConnections(UInt32Value.of(v)));
              cb.maxPendingRequests()
                  .ifPresent(v -> thresholds.setMaxPendingRequests(UInt32Value.of(v)));
              cb.maxRequests().ifPresent(v -> thresholds.setMaxRequests(UInt32Value.of(v)));
              cb.maxRetries().ifPresent(v -> thresholds.setMaxRetries(UInt32Value.of(v)));
              cluster.setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(thresholds));
            });
    policy
        .outlierDetection()
        .ifPresent(
            od -> {
              OutlierDetection.Builder outliers = OutlierDetection.newBuilder();
              od.consecutive5xx().ifPresent(v -> outliers.setConsecutive5Xx(UInt32Value.of(v)));
              od.consecutiveGatewayErrors()
                  .ifPresent(v -> outliers.setConsecutiveGatewayFailure(UInt32Value.of(v)));
              od.interval().ifPresent(v -> outliers.setInterval(EnvoyRoutes.duration(v)));
              od.baseEjectionTime()
                  .ifPresent(v -> outliers.setBaseEjectionTime(EnvoyRoutes.duration(v)));
              od.maxEjectionPercent()
                  .ifPresent(v -> outliers.setMaxEjectionPercent(UInt32Value.of(v)));
              cluster.setOutlierDetection(outliers);
            });
    policy
        .healthCheck()
        .ifPresent(
            hc ->
                cluster.addHealthChecks(
                    HealthCheck.newBuilder()
                        .setInterval(EnvoyRoutes.duration(hc.interval()))
                        .setTimeout(EnvoyRoutes.duration(hc.timeout()))
                        .setUnhealthyThreshold(UInt32Value.of(hc.unhealthyThreshold()))
                        .setHealthyThreshold(UInt32Value.of(hc.healthyThreshold()))
                        .setHttpHealthCheck(
                            HealthCheck.HttpHealthCheck.newBuilder().setPath(hc.path()))));
    policy.connectTimeout().ifPresent(t -> cluster.setConnectTimeout(EnvoyRoutes.duration(t)));
  }

  private static void loadBalancer(Cluster.Builder cluster, TrafficPolicyState.LoadBalancer lb) {
    switch (lb.type()) {
      case ROUND_ROBIN -> cluster.setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
      case RANDOM -> cluster.setLbPolicy(Cluster.LbPolicy.RANDOM);
      case LEAST_REQUEST -> {
        cluster.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST);
        lb.choiceCount()
            .ifPresent(
                c ->
                    cluster.setLeastRequestLbConfig(
                        Cluster.LeastRequestLbConfig.newBuilder()
                            .setChoiceCount(UInt32Value.of(c))));
      }
      case RING_HASH -> {
        cluster.setLbPolicy(Cluster.LbPolicy.RING_HASH);
        lb.minimumRingSize()
            .ifPresent(
                s ->
                    cluster.setRingHashLbConfig(
                        Cluster.RingHashLbConfig.newBuilder()
                            .setMinimumRingSize(UInt64Value.of(s))));
      }
      case MAGLEV -> {
        cluster.setLbPolicy(Cluster.LbPolicy.MAGLEV);
        lb.tableSize()
            .ifPresent(
                s ->
                    cluster.setMaglevLbConfig(
                        Cluster.MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(s))));
      }
    }
  }

  /** Adds the policy's retry and hash settings to a route action that has none of its own. */
  static void applyToRoute(RouteAction.Builder action, TrafficPolicyState policy) {
    if (!action.hasRetryPolicy()) {
      policy.retry().ifPresent(retry -> action.setRetryPolicy(retryPolicy(retry)));
    }
    if (action.getHashPolicyCount() == 0) {
      policy
          .loadBalancer()
          .flatMap(TrafficPolicyState.LoadBalancer::hashOn)
          .ifPresent(h -> action.addHashPolicy(hashPolicy(h)));
    }
  }

  private static RetryPolicy retryPolicy(TrafficPolicyState.Retry retry) {
    RetryPolicy.Builder policy =
        RetryPolicy.newBuilder().setRetryOn(String.join(",", retry.retryOn()));
    retry.numRetries().ifPresent(n -> policy.setNumRetries(UInt32Value.of(n)));
    retry.perTryTimeout().ifPresent(t -> policy.setPerTryTimeout(EnvoyRoutes.duration(t)));
    if (retry.backoffBase().isPresent() || retry.backoffMax().isPresent()) {
      RetryPolicy.RetryBackOff.Builder backoff = RetryPolicy.RetryBackOff.newBuilder();
      // Envoy requires a base interval whenever a back-off is given; 25 ms is its own default.
      backoff.setBaseInterval(
          EnvoyRoutes.duration(retry.backoffBase().orElse(java.time.Duration.ofMillis(25))));
      retry.backoffMax().ifPresent(m -> backoff.setMaxInterval(EnvoyRoutes.duration(m)));
      policy.setRetryBackOff(backoff);
    }
    return policy.build();
  }

  private static RouteAction.HashPolicy hashPolicy(TrafficPolicyState.HashOn hashOn) {
    RouteAction.HashPolicy.Builder hash = RouteAction.HashPolicy.newBuilder();
    if (hashOn.header().isPresent()) {
      hash.setHeader(
          RouteAction.HashPolicy.Header.newBuilder().setHeaderName(hashOn.header().get()));
    } else if (hashOn.cookie().isPresent()) {
      TrafficPolicyState.Cookie cookie = hashOn.cookie().get();
      RouteAction.HashPolicy.Cookie.Builder c =
          RouteAction.HashPolicy.Cookie.newBuilder().setName(cookie.name());
      cookie.ttl().ifPresent(t -> c.setTtl(EnvoyRoutes.duration(t)));
      cookie.path().ifPresent(c::setPath);
      hash.setCookie(c);
    } else {
      hash.setConnectionProperties(
          RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true));
    }
    return hash.build();
  }

  /** The policy for a route: the HTTPRoute's own, else the one of the cluster it sends to. */
  static Optional<TrafficPolicyState> forRule(
      TrafficPolicies policies, AttachedRule rule, Optional<String> cluster) {
    return policies.forRoute(rule.route()).or(() -> cluster.flatMap(policies::forCluster));
  }
}
