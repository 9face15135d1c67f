package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.Endpoint;
import io.attache.controlplane.model.EndpointState;
import io.attache.controlplane.source.ParseResult;
import io.attache.controlplane.source.ResourceParser;
import io.attache.runtime.WatchedDirectory;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Translating a state from the translation of the state before it: after an endpoints-only change
 * only the changed load assignments are built, and the result is what a full translation gives.
 */
class EndpointChangeTranslationTest {
  private static final String CLUSTER =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec: {ports: [{name: http, port: 8080}, {name: admin, port: 9090}, {name: dns, port: 53, protocol: UDP}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: api, namespace: shop}
      spec: {ports: [{port: 80}]}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: shop}
      spec:
        gatewayClassName: attache
        listeners: [{name: web, port: 8000, protocol: HTTP}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: store, namespace: shop}
      spec:
        parentRefs: [{name: edge}, {group: "", kind: Service, name: web, port: 8080}]
        hostnames: [store.example.com]
        rules: [{backendRefs: [{name: web, port: 8080, weight: 90}, {name: api, port: 80, weight: 10}]}]
      ---
      apiVersion: attache.io/v1alpha1
      kind: TrafficPolicy
      metadata: {name: web-traffic, namespace: shop, creationTimestamp: "2026-01-01T00:00:00Z"}
      spec:
        targetRefs: [{group: "", kind: Service, name: web, sectionName: http}]
        circuitBreaker: {maxConnections: 100}
      """;

  private static final ClusterState BEFORE =
      parse(CLUSTER)
          .withEndpoints(
              List.of(
                  slice("web", endpoint("10.0.0.1", "a"), endpoint("10.0.0.2", "b")),
                  slice("api", endpoint("10.0.1.1", "a"))));

  /** web: one endpoint replaced and a second slice; api: its only slice gone. */
  private static final ClusterState AFTER =
      BEFORE.withEndpoints(
          List.of(
              slice("web", endpoint("10.0.0.1", "a"), endpoint("10.0.0.3", "b")),
              slice("web", endpoint("10.0.0.4", "a"))));

  private final Translator translator = new Translator();

  private static ClusterState parse(String yaml) {
    ParseResult result =
        new ResourceParser().parse(List.of(new WatchedDirectory.File("c.yaml", yaml)));
    assertThat(result).isInstanceOf(ParseResult.Parsed.class);
    return ((ParseResult.Parsed) result).state();
  }

  private static EndpointState slice(String service, Endpoint... endpoints) {
    return new EndpointState("shop", service, List.of(endpoints));
  }

  private static Endpoint endpoint(String address, String zone) {
    return new Endpoint(
        address, Map.of("http", 8080, "admin", 9090, "", 80), true, Optional.of(zone));
  }

  private static ClusterLoadAssignment assignment(XdsResources resources, String cluster) {
    return resources.loadAssignments().stream()
        .filter(a -> a.getClusterName().equals(cluster))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void anEndpointsOnlyChangeGivesWhatAFullTranslationGives() {
    XdsResources previous = translator.translate(BEFORE);

    XdsResources updated = translator.translate(AFTER, BEFORE, previous);

    assertThat(updated).isEqualTo(translator.translate(AFTER));
  }

  @Test
  void anEndpointsOnlyChangeKeepsEveryOtherListOfThePreviousTranslation() {
    XdsResources previous = translator.translate(BEFORE);

    XdsResources updated = translator.translate(AFTER, BEFORE, previous);

    assertThat(
            List.of(updated.clusters(), updated.listeners(), updated.routes(), updated.secrets()))
        .zipSatisfy(
            List.of(
                previous.clusters(), previous.listeners(), previous.routes(), previous.secrets()),
            (list, before) -> assertThat(list).isSameAs(before));
  }

  @Test
  void onlyTheAssignmentsOfServicesWhoseEndpointsChangedAreBuiltAgain() {
    ClusterState apiMoved =
        BEFORE.withEndpoints(
            List.of(BEFORE.endpoints().get(0), slice("api", endpoint("10.0.1.2", "a"))));
    XdsResources previous = translator.translate(BEFORE);

    XdsResources updated = translator.translate(apiMoved, BEFORE, previous);

    assertThat(assignment(updated, "shop/web:http"))
        .isSameAs(assignment(previous, "shop/web:http"));
    assertThat(assignment(updated, "shop/api:80"))
        .isEqualTo(assignment(translator.translate(apiMoved), "shop/api:80"));
  }

  @Test
  void theSameStateGivesThePreviousTranslation() {
    XdsResources previous = translator.translate(BEFORE);

    assertThat(
            translator.translate(
                BEFORE.withEndpoints(List.copyOf(BEFORE.endpoints())), BEFORE, previous))
        .isSameAs(previous);
  }

  @Test
  void aChangeBesideEndpointsIsTranslatedInFull() {
    ClusterState withoutPolicy =
        new ClusterState(
            AFTER.services(),
            AFTER.endpoints(),
            AFTER.gateways(),
            AFTER.httpRoutes(),
            List.of(),
            AFTER.attachments(),
            AFTER.secrets());
    XdsResources previous = translator.translate(BEFORE);

    XdsResources updated = translator.translate(withoutPolicy, BEFORE, previous);

    assertThat(updated).isEqualTo(translator.translate(withoutPolicy));
  }
}
