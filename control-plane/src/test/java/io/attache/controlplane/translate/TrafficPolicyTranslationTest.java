package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.source.ParseResult;
import io.attache.controlplane.source.ResourceError;
import io.attache.controlplane.source.ResourceParser;
import io.attache.runtime.WatchedDirectory;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TrafficPolicies read from YAML and applied to clusters and routes. */
class TrafficPolicyTranslationTest {
  private static final String SERVICES =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec: {ports: [{name: http, port: 8080}, {name: admin, port: 9090}]}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: store, namespace: shop}
      spec:
        parentRefs: [{group: "", kind: Service, name: web, port: 8080}]
        rules: [{backendRefs: [{name: web, port: 8080}]}]
      ---
      """;

  private static final String POLICY =
      """
      apiVersion: attache.io/v1alpha1
      kind: TrafficPolicy
      metadata: {name: web-traffic, namespace: shop, creationTimestamp: "2026-01-01T00:00:00Z"}
      spec:
        targetRefs: [{group: "", kind: Service, name: web, sectionName: http}]
        loadBalancer: {type: RingHash, minimumRingSize: 1024, hashOn: {header: X-User}}
        circuitBreaker: {maxConnections: 100, maxPendingRequests: 10, maxRequests: 200, maxRetries: 3}
        outlierDetection: {consecutive5xx: 5, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 50}
        healthCheck: {path: /healthz, interval: 5s, timeout: 1s, unhealthyThreshold: 2, healthyThreshold: 1}
        retry: {retryOn: [5xx, connect-failure], numRetries: 2, perTryTimeout: 500ms, backoffBaseInterval: 50ms}
        connectTimeout: 2s
      """;

  private static ClusterState parse(String yaml) {
    ParseResult result =
        new ResourceParser().parse(List.of(new WatchedDirectory.File("p.yaml", yaml)));
    assertThat(result).isInstanceOf(ParseResult.Parsed.class);
    return ((ParseResult.Parsed) result).state();
  }

  private static List<String> errors(String yaml) {
    ParseResult result =
        new ResourceParser().parse(List.of(new WatchedDirectory.File("p.yaml", yaml)));
    assertThat(result).isInstanceOf(ParseResult.Invalid.class);
    return ((ParseResult.Invalid) result).errors().stream().map(ResourceError::toString).toList();
  }

  private static Cluster cluster(XdsResources resources, String name) {
    return resources.clusters().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void clusterSettingsApplyToTheTargetedPortOnly() {
    XdsResources resources = new Translator().translate(parse(SERVICES + POLICY));

    Cluster http = cluster(resources, "shop/web:http");
    assertThat(http.getLbPolicy()).isEqualTo(Cluster.LbPolicy.RING_HASH);
    assertThat(http.getRingHashLbConfig().getMinimumRingSize().getValue()).isEqualTo(1024);
    assertThat(http.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue())
        .isEqualTo(100);
    assertThat(http.getCircuitBreakers().getThresholds(0).getMaxRetries().getValue()).isEqualTo(3);
    assertThat(http.getOutlierDetection().getConsecutive5Xx().getValue()).isEqualTo(5);
    assertThat(http.getOutlierDetection().getBaseEjectionTime().getSeconds()).isEqualTo(30);
    assertThat(http.getHealthChecks(0).getHttpHealthCheck().getPath()).isEqualTo("/healthz");
    assertThat(http.getHealthChecks(0).getInterval().getSeconds()).isEqualTo(5);
    assertThat(http.getConnectTimeout().getSeconds()).isEqualTo(2);
    assertThat(cluster(resources, "shop/web:admin").getLbPolicy())
        .isEqualTo(Cluster.LbPolicy.ROUND_ROBIN);
  }

  @Test
  void routesToTheTargetedClusterGetItsRetryAndHashPolicy() {
    XdsResources resources = new Translator().translate(parse(SERVICES + POLICY));

    RouteAction action =
        resources.routes().stream()
            .filter(r -> r.getName().equals("web.shop:8080"))
            .findFirst()
            .orElseThrow()
            .getVirtualHosts(0)
            .getRoutes(0)
            .getRoute();

    assertThat(action.getRetryPolicy().getRetryOn()).isEqualTo("5xx,connect-failure");
    assertThat(action.getRetryPolicy().getNumRetries().getValue()).isEqualTo(2);
    assertThat(action.getRetryPolicy().getPerTryTimeout().getNanos()).isEqualTo(500_000_000);
    assertThat(action.getHashPolicy(0).getHeader().getHeaderName()).isEqualTo("x-user");
  }

  @Test
  void anHttpRouteTargetOverridesTheServiceRetries() {
    String routePolicy =
        """
        ---
        apiVersion: attache.io/v1alpha1
        kind: TrafficPolicy
        metadata: {name: store-retries, namespace: shop}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: store}]
          retry: {retryOn: [gateway-error], numRetries: 5}
        """;
    XdsResources resources = new Translator().translate(parse(SERVICES + POLICY + routePolicy));

    RouteAction action =
        resources.routes().stream()
            .filter(r -> r.getName().equals("web.shop:8080"))
            .findFirst()
            .orElseThrow()
            .getVirtualHosts(0)
            .getRoutes(0)
            .getRoute();

    assertThat(action.getRetryPolicy().getRetryOn()).isEqualTo("gateway-error");
    assertThat(action.getRetryPolicy().getNumRetries().getValue()).isEqualTo(5);
  }

  @Test
  void theOlderOfTwoPoliciesOnOneServiceWinsAndTheOtherIsConflicted() {
    String newer =
        "---\n"
            + POLICY
                .replace("web-traffic", "web-newer")
                .replace("2026-01-01", "2026-02-01")
                .replace(
                    "type: RingHash, minimumRingSize: 1024, hashOn: {header: X-User}",
                    "type: Random");
    ClusterState state = parse(SERVICES + POLICY + newer);

    XdsResources resources = new Translator().translate(state);
    List<PolicyVerdict> verdicts = TrafficPolicies.resolve(state).verdicts();

    assertThat(cluster(resources, "shop/web:http").getLbPolicy())
        .isEqualTo(Cluster.LbPolicy.RING_HASH);
    assertThat(verdicts)
        .extracting(v -> v.policyKey() + " " + v.reason())
        .containsExactly("shop/web-traffic Accepted", "shop/web-newer Conflicted");
  }

  @Test
  void aMissingTargetIsReported() {
    ClusterState state = parse(POLICY);

    PolicyVerdict verdict = TrafficPolicies.resolve(state).verdicts().get(0);

    assertThat(verdict.accepted()).isFalse();
    assertThat(verdict.reason()).isEqualTo("TargetNotFound");
    assertThat(verdict.message()).isEqualTo("Service shop/web not found");
  }

  @Test
  void badFieldsAreNamed() {
    String bad =
        POLICY
            .replace(
                "type: RingHash, minimumRingSize: 1024, hashOn: {header: X-User}", "type: Fastest")
            .replace("maxConnections: 100", "maxConnections: 0")
            .replace("maxEjectionPercent: 50", "maxEjectionPercent: 150")
            .replace("retryOn: [5xx, connect-failure]", "retryOn: [5xx, sometimes]")
            .replace("connectTimeout: 2s", "connectTimeout: two seconds");

    assertThat(errors(bad))
        .containsExactlyInAnyOrder(
            "p.yaml (document 1) spec.loadBalancer.type: must be one of RoundRobin, LeastRequest, RingHash, Maglev, Random, was 'Fastest'",
            "p.yaml (document 1) spec.circuitBreaker.maxConnections: must be at least 1, was 0",
            "p.yaml (document 1) spec.outlierDetection.maxEjectionPercent: must be at most 100, was 150",
            "p.yaml (document 1) spec.retry.retryOn[1]: must be one of [5xx, cancelled, connect-failure, deadline-exceeded, envoy-ratelimited, gateway-error, http3-post-connect-failure, internal, refused-stream, reset, reset-before-request, resource-exhausted, retriable-4xx, retriable-headers, retriable-status-codes, unavailable], was 'sometimes'",
            "p.yaml (document 1) spec.connectTimeout: must be a duration such as 5s, 250ms or 1h30m, was 'two seconds'");
  }

  /**
   * Envoy's protos require these longer than zero (Cluster.connect_timeout, OutlierDetection
   * interval and base_ejection_time, RetryBackOff intervals: {@code gt: {}}); a zero published
   * would be refused by Envoy. Found by fuzzing (docs/fuzzing.md).
   */
  @Test
  void durationsEnvoyNeedsLongerThanZeroAreRefusedAtZero() {
    String bad =
        POLICY
            .replace("connectTimeout: 2s", "connectTimeout: 0s")
            .replace("interval: 10s", "interval: 0ms")
            .replace("baseEjectionTime: 30s", "baseEjectionTime: 0s")
            .replace("backoffBaseInterval: 50ms", "backoffBaseInterval: 0s");

    assertThat(errors(bad))
        .containsExactlyInAnyOrder(
            "p.yaml (document 1) spec.connectTimeout: must be longer than zero, was '0s'",
            "p.yaml (document 1) spec.outlierDetection.interval: must be longer than zero, was '0ms'",
            "p.yaml (document 1) spec.outlierDetection.baseEjectionTime: must be longer than zero,"
                + " was '0s'",
            "p.yaml (document 1) spec.retry.backoffBaseInterval: must be longer than zero, was '0s'");
  }

  @Test
  void consistentHashingWithoutAHashIsRefused() {
    String bad = POLICY.replace(", hashOn: {header: X-User}", "");

    assertThat(errors(bad))
        .contains(
            "p.yaml (document 1) spec.loadBalancer.hashOn: required for RingHash: without a hash every request lands on a random host");
  }

  @Test
  void clusterSettingsOnAnHttpRouteTargetAreRefused() {
    String bad =
        POLICY.replace(
            "{group: \"\", kind: Service, name: web, sectionName: http}",
            "{group: gateway.networking.k8s.io, kind: HTTPRoute, name: store}");

    assertThat(errors(bad))
        .anyMatch(
            e ->
                e.startsWith(
                    "p.yaml (document 1) spec.targetRefs: an HTTPRoute target takes only retry"));
  }
}
