package io.attache.controlplane.xds;

import static io.attache.controlplane.TlsFixtures.EC_CERT;
import static io.attache.controlplane.TlsFixtures.EC_KEY;
import static io.attache.controlplane.TlsFixtures.RSA_CERT;
import static io.attache.controlplane.TlsFixtures.RSA_KEY;
import static io.attache.controlplane.TlsFixtures.secretYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import io.attache.controlplane.e2e.ControlPlanes;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.ServiceProbe;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTPS Gateway listener served to a hand-driven Envoy-like ADS client: its certificate over
 * SDS, rotated without a Listener push, a missing Secret reported, keys never dumped.
 */
class TlsServingTest {
  private static final String LDS = XdsType.LISTENERS.typeUrl();
  private static final String SDS = XdsType.SECRETS.typeUrl();
  private static final String HTTPS_LISTENER = "shop/edge:8443";
  private static final String SECRET = "shop/store-cert";

  private static final String GATEWAY_AND_ROUTE =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec:
        ports: [{name: http, port: 8080}]
      ---
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
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: store, namespace: shop}
      spec:
        parentRefs: [{name: edge}]
        rules:
          - backendRefs: [{name: web, port: 8080}]
      """;

  @TempDir Path resources;
  private ServiceHost controlPlane;
  private ManagedChannel channel;
  private SotwStream stream;

  @BeforeEach
  void start() throws Exception {
    Files.writeString(resources.resolve("gateway.yaml"), GATEWAY_AND_ROUTE);
    Files.writeString(
        resources.resolve("secret.yaml"), secretYaml("shop", "store-cert", RSA_CERT, RSA_KEY));
    controlPlane = ControlPlanes.fromDirectory(resources);
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/readyz").statusCode() == 200);
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", controlPlane.grpcPort())
            .usePlaintext()
            .build();
    stream =
        new SotwStream(
            channel,
            Node.newBuilder()
                .setId("envoy-1")
                .setCluster("edge")
                .setUserAgentName("envoy")
                .build());
  }

  @AfterEach
  void stop() throws Exception {
    if (stream != null) {
      stream.close();
    }
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  private HttpResponse<String> get(String path) {
    return ServiceProbe.get("127.0.0.1", controlPlane.adminPort(), path);
  }

  private DiscoveryResponse settle(String typeUrl, String... names) throws InterruptedException {
    stream.subscribe(typeUrl, names);
    DiscoveryResponse response = stream.next(typeUrl);
    stream.ack(response, names);
    return response;
  }

  private static <T extends com.google.protobuf.Message> T unpack(
      com.google.protobuf.Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theHttpsListenerAndItsCertificateAreServed() throws Exception {
    DiscoveryResponse listeners = settle(LDS);
    DiscoveryResponse secrets = settle(SDS, SECRET);

    assertThat(listeners.getResourcesList())
        .extracting(any -> unpack(any, Listener.class).getName())
        .contains(HTTPS_LISTENER);
    Secret secret = unpack(secrets.getResources(0), Secret.class);
    assertThat(secret.getName()).isEqualTo(SECRET);
    assertThat(secret.getTlsCertificate().getCertificateChain().getInlineString())
        .isEqualTo(RSA_CERT);
  }

  @Test
  void aRotatedCertificateIsPushedOverSdsAndTheListenerIsNotPushedAgain() throws Exception {
    settle(LDS);
    DiscoveryResponse before = settle(SDS, SECRET);

    Files.writeString(
        resources.resolve("secret.yaml"), secretYaml("shop", "store-cert", EC_CERT, EC_KEY));

    DiscoveryResponse after = stream.next(SDS);
    stream.ack(after, SECRET);
    assertThat(after.getVersionInfo()).isNotEqualTo(before.getVersionInfo());
    assertThat(
            unpack(after.getResources(0), Secret.class)
                .getTlsCertificate()
                .getCertificateChain()
                .getInlineString())
        .isEqualTo(EC_CERT);
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> stream.responses().isEmpty());
  }

  @Test
  void aMissingSecretTakesItsListenerOut() throws Exception {
    settle(LDS);

    Files.delete(resources.resolve("secret.yaml"));

    assertThat(stream.next(LDS).getResourcesList())
        .extracting(any -> unpack(any, Listener.class).getName())
        .doesNotContain(HTTPS_LISTENER);
  }

  @Test
  void aMissingSecretIsListedAtResourceErrors() throws Exception {
    Files.delete(resources.resolve("secret.yaml"));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(get("/resource-errors").body())
                    .contains(
                        "Gateway shop/edge spec.listeners[0].tls.certificateRefs[0]:"
                            + " InvalidCertificateRef: no valid Secret shop/store-cert"));
  }

  @Test
  void theConfigDumpNamesTheSecretAndRedactsItsKey() {
    settleQuietly();

    String dump = get("/config_dump?group=edge&resources=true").body();

    assertThat(dump).contains("\"secrets\"").contains(SECRET).contains("[redacted]");
    assertThat(dump).doesNotContain("PRIVATE KEY");
  }

  private void settleQuietly() {
    try {
      settle(LDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
