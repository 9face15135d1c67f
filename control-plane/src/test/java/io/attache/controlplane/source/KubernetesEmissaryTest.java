package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.events.InMemoryEventSink;
import io.attache.testsupport.kubernetes.MockApiServer;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Emissary's Mappings and Hosts from the Kubernetes API (fabric8's mock API server in CRUD mode, as
 * no kube-apiserver can run here; its CRDs are not needed there) served as routes on the Gateway
 * they stand for: a canary split, an edit followed, and a Mapping with a field the control plane
 * cannot serve left out with the field named, its last good version kept.
 */
class KubernetesEmissaryTest {
  private final MockApiServer api = MockApiServer.start(); // not @EnableKubernetesMockClient
  private final KubernetesClient client = api.newClient();

  private final InMemoryEventSink events = new InMemoryEventSink();
  private MockApiServing serving;

  private static final String HOST =
      """
      apiVersion: getambassador.io/v3alpha1
      kind: Host
      metadata: {name: shop, namespace: shop}
      spec:
        hostname: shop.example.com
        requestPolicy: {insecure: {action: Route}}
      """;

  private static String mapping(String name, String spec) {
    return """
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        metadata: {name: %s, namespace: shop}
        spec:
          hostname: shop.example.com
        %s
        """
        .formatted(name, spec.indent(2));
  }

  private void start() {
    start(Optional.empty());
  }

  private void start(Optional<String> statusLease) {
    serving =
        MockApiServing.start(
            client, new MockApiServing.Serving(statusLease, false, false, true), events);
  }

  @AfterEach
  void stop() {
    MockApiServing.stop(serving, client, api);
  }

  private void create(String yaml) {
    client.resource(Serialization.unmarshal(yaml, EmissaryResources.Mapping.class)).create();
  }

  private RouteConfiguration routes(java.util.function.Predicate<String> until) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                serving
                    .xds()
                    .publisher()
                    .current()
                    .map(s -> s.routes().resources().get("shop/emissary:8080"))
                    .orElse(null),
            r -> r != null && until.test(r.toString()));
  }

  @Test
  void mappingsAndHostsFromTheApiAreServedAndEditsFollowed() {
    client.resource(KubernetesResourcesTest.service("shop", "catalog", 8080)).create();
    client.resource(KubernetesResourcesTest.service("shop", "catalog-v2", 8080)).create();
    client.resource(Serialization.unmarshal(HOST, EmissaryResources.Host.class)).create();
    create(mapping("catalog", "prefix: /catalog/\nservice: catalog:8080"));
    create(mapping("catalog-canary", "prefix: /catalog/\nservice: catalog-v2:8080\nweight: 10"));
    start();

    RouteConfiguration served = routes(r -> r.contains("value: 90"));
    assertThat(served.toString())
        .contains("shop.example.com")
        .contains("name: \"shop/catalog:grpc\"\n          weight {\n            value: 90")
        .contains("name: \"shop/catalog-v2:grpc\"\n          weight {\n            value: 10")
        .contains("prefix: \"/catalog/\"")
        .contains("prefix_rewrite: \"/\"")
        .contains("seconds: 3");

    EmissaryResources.Mapping canary =
        client
            .resources(EmissaryResources.Mapping.class)
            .inNamespace("shop")
            .withName("catalog-canary")
            .get();
    canary.getSpec().put("weight", 50);
    client.resource(canary).update();

    assertThat(routes(r -> r.contains("value: 50")).toString()).doesNotContain("value: 90");
  }

  /** A Listener from the API gives the port: the routes move to it, the chart's 8080 goes. */
  @Test
  void aListenerFromTheApiGivesThePort() {
    client.resource(KubernetesResourcesTest.service("shop", "catalog", 8080)).create();
    client.resource(Serialization.unmarshal(HOST, EmissaryResources.Host.class)).create();
    create(mapping("catalog", "prefix: /catalog/\nservice: catalog:8080"));
    client
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: getambassador.io/v3alpha1
                kind: Listener
                metadata: {name: http, namespace: shop}
                spec: {port: 9080, protocol: HTTP, securityModel: XFP, hostBinding: {namespace: {from: ALL}}}
                """,
                EmissaryResources.Listener.class))
        .create();
    start();

    RouteConfiguration served =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    serving
                        .xds()
                        .publisher()
                        .current()
                        .map(s -> s.routes().resources().get("shop/emissary:9080"))
                        .orElse(null),
                r -> r != null && r.toString().contains("/catalog/"));
    assertThat(served.toString()).contains("shop.example.com");
    assertThat(serving.xds().publisher().current().orElseThrow().routes().resources())
        .doesNotContainKey("shop/emissary:8080");
  }

  @Test
  void aMappingWithAFieldNotServedIsLeftOutWithTheFieldNamedAndTheRestServed() {
    client.resource(KubernetesResourcesTest.service("shop", "catalog", 8080)).create();
    client.resource(Serialization.unmarshal(HOST, EmissaryResources.Host.class)).create();
    create(mapping("catalog", "prefix: /catalog/\nservice: catalog:8080"));
    create(mapping("ordered", "prefix: /ordered/\nservice: catalog:8080\ntls: upstream-context"));
    start();

    RouteConfiguration served = routes(r -> r.contains("/catalog/"));
    assertThat(served.toString()).doesNotContain("/ordered/");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                serving.resources().lastErrors().stream()
                    .anyMatch(
                        e ->
                            e.toString()
                                .equals(
                                    "Mapping shop/ordered spec.tls: not served yet: TLS"
                                        + " origination is a BackendTLSPolicy on the Service,"
                                        + " naming the CA and hostname to verify (Emissary's"
                                        + " upstream TLSContext does not carry over)")));
  }

  /** ir/irhttpmapping.py status(): Running when served, else Inactive with its first error. */
  @Test
  void theLeaseHolderWritesEachMappingsStatusAsEmissaryDoes() {
    client.resource(KubernetesResourcesTest.service("shop", "catalog", 8080)).create();
    client.resource(Serialization.unmarshal(HOST, EmissaryResources.Host.class)).create();
    create(mapping("catalog", "prefix: /catalog/\nservice: catalog:8080"));
    create(mapping("ordered", "prefix: /ordered/\nservice: catalog:8080\ntls: upstream-context"));
    create(mapping("secure", "prefix: /secure/\nservice: https://catalog:8080"));
    // A canary group is served as its first Mapping's route: the canary's TLS backend is the
    // canary's problem, not the first Mapping's.
    client.resource(KubernetesResourcesTest.service("shop", "ledger", 443)).create();
    create(mapping("front", "prefix: /front/\nservice: catalog:8080"));
    create(mapping("front-canary", "prefix: /front/\nservice: https://ledger\nweight: 10"));
    create(
        mapping("lost", "prefix: /lost/\nservice: catalog:8080")
            .replace("hostname: shop.example.com", "hostname: nowhere.example.org"));
    start(Optional.of("shop"));

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(status("catalog")).isEqualTo(Map.of("state", "Running"));
              assertThat(status("ordered"))
                  .isEqualTo(
                      Map.of(
                          "state",
                          "Inactive",
                          "reason",
                          "spec.tls: not served yet: TLS origination is a BackendTLSPolicy on the"
                              + " Service, naming the CA and hostname to verify (Emissary's"
                              + " upstream TLSContext does not carry over)"));
              assertThat(status("lost"))
                  .isEqualTo(
                      Map.of(
                          "state",
                          "Inactive",
                          "reason",
                          "left out: no Host serves hostname nowhere.example.org"));
              assertThat(status("front")).isEqualTo(Map.of("state", "Running"));
              assertThat(status("front-canary"))
                  .containsEntry("state", "Inactive")
                  .extractingByKey("reason")
                  .asString()
                  .startsWith("spec.service: BackendTLSRequired: backend shop/ledger:443 must be");
              // Served, but failing until a BackendTLSPolicy covers the Service's port.
              assertThat(status("secure"))
                  .isEqualTo(
                      Map.of(
                          "state",
                          "Inactive",
                          "reason",
                          "spec.service: BackendTLSRequired: backend shop/catalog:8080"
                              + " must be reached over TLS (attache.io/backend-tls) and no"
                              + " BackendTLSPolicy covers it; its requests fail rather than go out"
                              + " in the clear"));
            });
  }

  private Map<String, Object> status(String name) {
    EmissaryResources.Mapping mapping =
        client.resources(EmissaryResources.Mapping.class).inNamespace("shop").withName(name).get();
    return mapping.getStatus() == null ? Map.of() : Map.copyOf(mapping.getStatus());
  }
}
