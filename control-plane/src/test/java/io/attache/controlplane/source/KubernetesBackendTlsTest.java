package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.controlplane.TlsFixtures;
import io.attache.controlplane.xds.XdsServer;
import io.attache.events.ConfigChange;
import io.attache.events.InMemoryEventSink;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * BackendTLSPolicies and their CA ConfigMaps from the Kubernetes API (fabric8's mock API server in
 * CRUD mode, as no kube-apiserver can run here): the cluster originates TLS with the ConfigMap's
 * bundle, only the ConfigMaps a policy names are read and audited, and a CA rotated in its
 * ConfigMap is served.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesBackendTlsTest {
  KubernetesClient client;

  private final InMemoryEventSink events = new InMemoryEventSink();
  private XdsServer xds;
  private KubernetesResources resources;

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
    xds = new XdsServer(Duration.ofMillis(10), Duration.ofMillis(50));
    resources =
        new KubernetesResources(
            client,
            new KubernetesResources.Options(
                Optional.empty(),
                Duration.ofMillis(10),
                true,
                "attache",
                Optional.empty(),
                false,
                false),
            xds.publisher()::publish,
            events);
  }

  @AfterEach
  void stop() {
    if (resources != null) {
      resources.close();
    }
    if (xds != null) {
      xds.close();
    }
    client.close(); // before the mock server's shutdown, which waits for open connections
  }

  private String trustedCa() {
    Cluster cluster =
        xds.publisher()
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
    assertThat(resources.lastErrors()).isEmpty();
    assertThat(client.configMaps().inNamespace("shop").list().getItems())
        .extracting(ConfigMap::getMetadata)
        .hasSize(2);
  }
}
