package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.controlplane.TlsFixtures;
import io.attache.events.ConfigChange;
import io.attache.events.InMemoryEventSink;
import io.attache.testsupport.kubernetes.MockApiServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * BackendTLSPolicies and their CA ConfigMaps from the Kubernetes API (fabric8's mock API server in
 * CRUD mode, as no kube-apiserver can run here): the cluster originates TLS with the ConfigMap's
 * bundle, only the ConfigMaps a policy names are read and audited, a CA rotated in its ConfigMap is
 * served, and each policy's status names the Gateways its Services are reached through with what
 * became of it, as the Gateway API conformance tests read it (BackendTLSPolicyMustHaveCondition in
 * conformance/utils/kubernetes/helpers.go).
 */
class KubernetesBackendTlsTest {
  private final MockApiServer api = MockApiServer.start(); // not @EnableKubernetesMockClient
  private final KubernetesClient client = api.newClient();

  private final InMemoryEventSink events = new InMemoryEventSink();
  private MockApiServing serving;

  private static final String POLICY =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: BackendTLSPolicy
      metadata: {name: billing, namespace: shop}
      spec:
        targetRefs: [{group: "", kind: Service, name: billing}]
        validation:
          hostname: billing.example.com
          caCertificateRefs: [{group: "", kind: ConfigMap, name: billing-ca}]
      """;

  private static String configMap(String name, String pem) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: %s, namespace: shop}
        data:
          ca.crt: |
        %s
        """
        .formatted(name, pem.indent(4));
  }

  private void create(String yaml) {
    client.resource((HasMetadata) Serialization.unmarshal(yaml)).createOr(e -> e.update());
  }

  private void start() {
    start(Optional.empty());
  }

  private void start(Optional<String> statusLease) {
    serving =
        MockApiServing.start(
            client, new MockApiServing.Serving(statusLease, false, false, false), events);
  }

  @AfterEach
  void stop() {
    MockApiServing.stop(serving, client, api);
  }

  private String trustedCa() {
    Cluster cluster =
        serving
            .xds()
            .publisher()
            .current()
            .map(s -> s.clusters().resources().get("shop/billing:grpc"))
            .orElse(null);
    if (cluster == null || !cluster.hasTransportSocket()) {
      return "";
    }
    try {
      return cluster
          .getTransportSocket()
          .getTypedConfig()
          .unpack(UpstreamTlsContext.class)
          .getCommonTlsContext()
          .getValidationContext()
          .getTrustedCa()
          .getInlineString();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theNamedConfigMapsBundleIsTrustedAndFollowed() {
    client.resource(KubernetesResourcesTest.service("shop", "billing", 443)).create();
    create(POLICY);
    create(configMap("billing-ca", TlsFixtures.RSA_CERT));
    create(configMap("unrelated", TlsFixtures.EC_CERT));
    start();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> trustedCa().contains(TlsFixtures.RSA_CERT.strip()));
    assertThat(
            events.events().stream()
                .filter(ConfigChange.class::isInstance)
                .map(ConfigChange.class::cast)
                .filter(c -> c.kind().equals("ConfigMap"))
                .map(ConfigChange::name))
        .containsExactly("billing-ca");

    create(configMap("billing-ca", TlsFixtures.EC_CERT));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> trustedCa().contains(TlsFixtures.EC_CERT.strip()));
    assertThat(serving.resources().lastErrors()).isEmpty();
    assertThat(client.configMaps().inNamespace("shop").list().getItems())
        .extracting(ConfigMap::getMetadata)
        .hasSize(2);
  }

  private static final String GATEWAY_AND_ROUTE =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: shop}
      spec:
        gatewayClassName: attache
        listeners: [{name: web, port: 8000, protocol: HTTP}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: pay, namespace: shop}
      spec:
        parentRefs: [{name: edge}]
        rules:
          - matches: [{path: {type: PathPrefix, value: /pay}}]
            backendRefs: [{name: billing, port: 443}]
          - matches: [{path: {type: PathPrefix, value: /ledger}}]
            backendRefs: [{name: ledger, port: 443}]
      """;

  private static String policy(String name, String service, String hostname, String caRef) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: %s, namespace: shop}
        spec:
          targetRefs: [{group: "", kind: Service, name: %s}]
          validation:
            hostname: "%s"
            caCertificateRefs: [%s]
        """
        .formatted(name, service, hostname, caRef);
  }

  /** Our ancestor entries: "namespace/name Type=Status/Reason" for each condition. */
  private List<String> ancestors(String policy) {
    BackendTLSPolicy read =
        client.resources(BackendTLSPolicy.class).inNamespace("shop").withName(policy).get();
    if (read.getStatus() == null || read.getStatus().getAncestors() == null) {
      return List.of();
    }
    List<String> found = new ArrayList<>();
    for (PolicyAncestorStatus ancestor : read.getStatus().getAncestors()) {
      if (!ancestor.getControllerName().equals("attache.io/gateway-controller")) {
        continue; // another controller's
      }
      assertThat(ancestor.getAncestorRef().getKind()).isEqualTo("Gateway");
      assertThat(ancestor.getAncestorRef().getGroup()).isEqualTo("gateway.networking.k8s.io");
      for (Condition condition : ancestor.getConditions()) {
        assertThat(condition.getObservedGeneration()).isEqualTo(read.getMetadata().getGeneration());
        found.add(
            ancestor.getAncestorRef().getNamespace()
                + "/"
                + ancestor.getAncestorRef().getName()
                + " "
                + condition.getType()
                + "="
                + condition.getStatus()
                + "/"
                + condition.getReason());
      }
    }
    return found;
  }

  @Test
  void eachPolicysStatusNamesTheGatewaysAndWhatBecameOfIt() {
    client.resource(KubernetesResourcesTest.service("shop", "billing", 443)).create();
    client.resource(KubernetesResourcesTest.service("shop", "ledger", 443)).create();
    for (String document : GATEWAY_AND_ROUTE.split("---\n")) {
      create(document);
    }
    create(configMap("billing-ca", TlsFixtures.RSA_CERT));
    String billingCa = "{group: \"\", kind: ConfigMap, name: billing-ca}";
    create(policy("billing", "billing", "billing.example.com", billingCa));
    // Same target, same (empty) sectionName: the first by name wins a creation-time tie.
    create(policy("billing-later", "billing", "other.example.com", billingCa));
    create(
        policy("ledger", "ledger", "ledger.example.com", "{group: \"\", kind: Secret, name: x}"));
    create(policy("wildcard", "billing", "*.example.com", billingCa));
    create(policy("idle", "nobody-routes-to", "idle.example.com", billingCa));
    // Another controller's entry, which must be kept as it is.
    BackendTLSPolicy billing =
        client.resources(BackendTLSPolicy.class).inNamespace("shop").withName("billing").get();
    PolicyAncestorStatus theirs = new PolicyAncestorStatus();
    theirs.setControllerName("example.com/other-controller");
    theirs.setAncestorRef(
        new io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder()
            .withName("their-gateway")
            .build());
    theirs.setConditions(List.of());
    billing.setStatus(new io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus());
    billing.getStatus().setAncestors(List.of(theirs));
    client.resource(billing).updateStatus();
    start(Optional.of("shop"));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(ancestors("billing"))
                  .containsExactly(
                      "shop/edge Accepted=True/Accepted",
                      "shop/edge ResolvedRefs=True/ResolvedRefs");
              assertThat(
                      client
                          .resources(BackendTLSPolicy.class)
                          .inNamespace("shop")
                          .withName("billing")
                          .get()
                          .getStatus()
                          .getAncestors())
                  .extracting(a -> a.getControllerName() + " " + a.getAncestorRef().getName())
                  .containsExactly(
                      "example.com/other-controller their-gateway",
                      "attache.io/gateway-controller edge");
              assertThat(ancestors("billing-later"))
                  .containsExactly(
                      "shop/edge Accepted=False/Conflicted",
                      "shop/edge ResolvedRefs=True/ResolvedRefs");
              // backendtlspolicy-invalid-kind.go
              assertThat(ancestors("ledger"))
                  .containsExactly(
                      "shop/edge Accepted=False/NoValidCACertificate",
                      "shop/edge ResolvedRefs=False/InvalidKind");
              assertThat(ancestors("wildcard")).containsExactly("shop/edge Accepted=False/Invalid");
            });
    BackendTLSPolicy idle =
        client.resources(BackendTLSPolicy.class).inNamespace("shop").withName("idle").get();
    assertThat(idle.getStatus() == null || idle.getStatus().getAncestors().isEmpty()).isTrue();
    // The ledger's requests fail rather than go out in the clear (a cluster without endpoints).
    Cluster ledger =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    serving
                        .xds()
                        .publisher()
                        .current()
                        .map(s -> s.clusters().resources().get("shop/ledger:grpc"))
                        .orElse(null),
                c -> c != null);
    assertThat(ledger.getType()).isEqualTo(Cluster.DiscoveryType.STATIC);
    assertThat(ledger.getLoadAssignment().getEndpointsCount()).isZero();
  }
}
