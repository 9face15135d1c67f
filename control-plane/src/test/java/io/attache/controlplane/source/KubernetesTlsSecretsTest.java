package io.attache.controlplane.source;

import static io.attache.controlplane.TlsFixtures.EC_CERT;
import static io.attache.controlplane.TlsFixtures.EC_KEY;
import static io.attache.controlplane.TlsFixtures.RSA_CERT;
import static io.attache.controlplane.TlsFixtures.RSA_KEY;
import static io.attache.controlplane.TlsFixtures.secretYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.controlplane.TlsFixtures;
import io.attache.events.ConfigChange;
import io.attache.events.InMemoryEventSink;
import io.attache.testsupport.kubernetes.MockApiServer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS Secrets from the Kubernetes API, against fabric8's mock API server in CRUD mode: only those
 * an HTTPS listener names are served and audited, a bad edit keeps the last valid certificate, and
 * no key material reaches an audit event.
 */
class KubernetesTlsSecretsTest {
  private final MockApiServer api = MockApiServer.start(); // not @EnableKubernetesMockClient
  private final KubernetesClient client = api.newClient();

  private final InMemoryEventSink events = new InMemoryEventSink();
  private MockApiServing serving;

  private static final String GATEWAY =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: shop}
      spec:
        gatewayClassName: attache
        listeners:
          - name: store
            port: 8443
            protocol: HTTPS
            hostname: store.example.com
            tls: {certificateRefs: [{name: store-cert}]}
      """;

  private void start() {
    serving = MockApiServing.start(client, MockApiServing.Serving.PLAIN, events);
  }

  @AfterEach
  void stop() {
    MockApiServing.stop(serving, client, api);
  }

  private void put(String yaml) {
    client
        .resource(Serialization.unmarshal(yaml, io.fabric8.kubernetes.api.model.Secret.class))
        .createOr(existing -> existing.update());
  }

  private Map<String, Secret> servedSecrets() {
    return serving
        .xds()
        .publisher()
        .current()
        .map(s -> Map.copyOf(s.secrets().resources()))
        .orElse(Map.of());
  }

  private String servedCertificate() {
    Secret secret = servedSecrets().get("shop/store-cert");
    return secret == null ? "" : secret.getTlsCertificate().getCertificateChain().getInlineString();
  }

  @Test
  void onlyTheSecretAListenerNamesIsServed() {
    client.resource((Gateway) Serialization.unmarshal(GATEWAY)).create();
    put(secretYaml("shop", "store-cert", RSA_CERT, RSA_KEY));
    put(secretYaml("shop", "unrelated", EC_CERT, EC_KEY));
    start();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(servedSecrets()).containsOnlyKeys("shop/store-cert"));
    assertThat(servedCertificate()).isEqualTo(RSA_CERT);
  }

  @Test
  void aSecretOfAnotherTypeIsNotACertificate() {
    client.resource((Gateway) Serialization.unmarshal(GATEWAY)).create();
    put(secretYaml("shop", "store-cert", RSA_CERT, RSA_KEY).replace("kubernetes.io/tls", "Opaque"));
    start();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(serving.resources().lastErrors())
                    .extracting(ResourceError::toString)
                    .anyMatch(e -> e.contains("InvalidCertificateRef")));
    assertThat(servedSecrets()).isEmpty();
  }

  @Test
  void aRotatedSecretIsServed() {
    client.resource((Gateway) Serialization.unmarshal(GATEWAY)).create();
    put(secretYaml("shop", "store-cert", RSA_CERT, RSA_KEY));
    start();
    await().atMost(Duration.ofSeconds(10)).until(() -> servedCertificate().equals(RSA_CERT));

    put(secretYaml("shop", "store-cert", EC_CERT, EC_KEY));

    await().atMost(Duration.ofSeconds(10)).until(() -> servedCertificate().equals(EC_CERT));
  }

  @Test
  void aBadEditKeepsTheLastValidCertificateServedAndSaysSo() {
    client.resource((Gateway) Serialization.unmarshal(GATEWAY)).create();
    put(secretYaml("shop", "store-cert", RSA_CERT, RSA_KEY));
    start();
    await().atMost(Duration.ofSeconds(10)).until(() -> servedCertificate().equals(RSA_CERT));

    put(secretYaml("shop", "store-cert", EC_CERT, RSA_KEY));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(serving.resources().lastErrors())
                    .extracting(ResourceError::toString)
                    .contains(
                        "Secret shop/store-cert data[tls.key]: the private key does not belong to"
                            + " the first certificate of data[tls.crt]",
                        "Secret shop/store-cert: the last valid version is still served"));
    assertThat(servedCertificate()).isEqualTo(RSA_CERT);
  }

  @Test
  void auditEventsNameTheSecretAndHoldNoKeyMaterial() {
    client.resource((Gateway) Serialization.unmarshal(GATEWAY)).create();
    put(secretYaml("shop", "store-cert", RSA_CERT, RSA_KEY));
    put(secretYaml("shop", "unrelated", EC_CERT, EC_KEY));
    start();
    await().atMost(Duration.ofSeconds(10)).until(() -> servedCertificate().equals(RSA_CERT));
    put(secretYaml("shop", "store-cert", EC_CERT, RSA_KEY));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> events.events().stream().anyMatch(e -> e.toString().contains("REJECTED")));

    assertThat(events.events())
        .filteredOn(e -> ((ConfigChange) e).kind().equals("Secret"))
        .extracting(e -> ((ConfigChange) e).subject())
        .containsOnly("Secret/shop/store-cert");
    assertThat(events.events())
        .allSatisfy(
            e ->
                assertThat(e.toString())
                    .doesNotContain("PRIVATE KEY")
                    .doesNotContain(RSA_KEY.lines().skip(1).findFirst().orElseThrow())
                    .doesNotContain(TlsFixtures.base64(RSA_KEY).substring(0, 40)));
  }
}
