package io.attache.runtime.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.tls.SecretVolume;
import io.attache.testsupport.tls.TestPki;
import io.attache.testsupport.tls.TestPki.Issued;
import io.attache.testsupport.tls.TestPki.KeyEncoding;
import io.attache.testsupport.tls.TestPki.Usage;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mTLS on a service's gRPC port with the reference rate-limit service's variables
 * (envoyproxy/ratelimit {@code src/settings/settings.go}; client SAN check in {@code
 * src/server/server_impl.go}), against real grpc-java clients over real sockets, with certificates
 * issued by a test CA and renewed the way the kubelet updates a mounted Secret.
 */
class ServerTlsTest {
  private static final TestPki PKI = TestPki.ec("attache-test-ca");

  @TempDir Path dir;
  private ServiceHost host;

  @AfterEach
  void stop() {
    if (host != null) {
      host.close();
    }
  }

  private Map<String, String> tlsSettings(Issued server) {
    Path certificate = server.writeTo(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    Map<String, String> env = new HashMap<>();
    env.put("GRPC_SERVER_USE_TLS", "true");
    env.put("GRPC_SERVER_TLS_CERT", certificate.toString());
    env.put("GRPC_SERVER_TLS_KEY", dir.resolve("tls.key").toString());
    return env;
  }

  private ServiceHost start(Map<String, String> env) {
    Settings settings = new Settings(env);
    Optional<ServerTls> tls = ServerTls.fromSettings(settings);
    settings.validate();
    host =
        ServiceHost.builder("tls-test").host("127.0.0.1").grpcPort(0).adminPort(0).tls(tls).start();
    return host;
  }

  /** A client that presents {@code issued}, written to files named {@code name}. */
  private TlsClient presenting(Issued issued, String name) {
    Path certificate = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    issued.writeTo(certificate, key);
    return new TlsClient(
        host.grpcPort(), PKI.caCertificate(), Optional.of(new Path[] {certificate, key}));
  }

  /** The variables for a Secret volume's files, read again every 100 ms. */
  private static Map<String, String> secretSettings(SecretVolume secret) {
    Map<String, String> env = new HashMap<>();
    env.put("GRPC_SERVER_USE_TLS", "true");
    env.put("GRPC_SERVER_TLS_CERT", secret.file("tls.crt").toString());
    env.put("GRPC_SERVER_TLS_KEY", secret.file("tls.key").toString());
    env.put("ATTACHE_TLS_RELOAD_INTERVAL", "100ms");
    return env;
  }

  @Test
  void withTlsOnTheGrpcPortAnswersTlsClientsAndRefusesPlaintext() {
    start(tlsSettings(PKI.issue(Usage.SERVER, "localhost", "127.0.0.1")));

    try (TlsClient client = new TlsClient(host.grpcPort(), PKI.caCertificate(), Optional.empty())) {
      assertThat(client.check()).isEqualTo(ServingStatus.SERVING);
    }
    ManagedChannel plaintext =
        ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
    try {
      assertThatThrownBy(
              () ->
                  HealthGrpc.newBlockingStub(plaintext)
                      .withDeadlineAfter(5, TimeUnit.SECONDS)
                      .check(HealthCheckRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    } finally {
      plaintext.shutdownNow();
    }
  }

  @Test
  void withAClientCaOnlyClientsWithACertificateFromItAreServed() {
    Map<String, String> env = tlsSettings(PKI.issue(Usage.SERVER, "localhost"));
    env.put("GRPC_CLIENT_TLS_CACERT", PKI.writeCa(dir.resolve("client-ca.crt")).toString());
    start(env);
    TestPki stranger = TestPki.ec("some-other-ca");

    try (TlsClient trusted = presenting(PKI.issue(Usage.CLIENT, "envoy"), "envoy");
        TlsClient anonymous =
            new TlsClient(host.grpcPort(), PKI.caCertificate(), Optional.empty());
        TlsClient untrusted = presenting(stranger.issue(Usage.CLIENT, "envoy"), "stranger")) {
      assertThat(trusted.check()).isEqualTo(ServingStatus.SERVING);
      assertUnavailable(anonymous);
      assertUnavailable(untrusted);
    }
  }

  @Test
  void withAClientSanTheClientCertificateMustNameIt() {
    Map<String, String> env = tlsSettings(PKI.issue(Usage.SERVER, "localhost"));
    env.put("GRPC_CLIENT_TLS_CACERT", PKI.writeCa(dir.resolve("client-ca.crt")).toString());
    env.put("GRPC_CLIENT_TLS_SAN", "envoy.edge.svc.cluster.local");
    start(env);

    try (TlsClient named =
            presenting(
                PKI.issue(Usage.CLIENT, "gateway", "envoy.edge.svc.cluster.local"), "named");
        TlsClient wildcard =
            presenting(PKI.issue(Usage.CLIENT, "*.edge.svc.cluster.local"), "wild");
        TlsClient other = presenting(PKI.issue(Usage.CLIENT, "curl.edge.svc"), "other")) {
      assertThat(named.check()).isEqualTo(ServingStatus.SERVING);
      assertThat(wildcard.check()).isEqualTo(ServingStatus.SERVING);
      assertUnavailable(other);
    }
  }

  @Test
  void aRenewedCertificateServesNewConnectionsWhileOpenOnesKeepWorking() throws Exception {
    SecretVolume secret = new SecretVolume(dir.resolve("secret"));
    Issued first = PKI.issue(Usage.SERVER, "localhost");
    secret.write(secretData(first, KeyEncoding.TRADITIONAL)); // cert-manager's default encoding
    start(secretSettings(secret));

    try (TlsClient before = new TlsClient(host.grpcPort(), PKI.caCertificate(), Optional.empty())) {
      assertThat(before.check()).isEqualTo(ServingStatus.SERVING);
      Issued renewed = PKI.issue(Usage.SERVER, "localhost");
      secret.write(secretData(renewed, KeyEncoding.TRADITIONAL));

      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                try (TlsClient after =
                    new TlsClient(host.grpcPort(), PKI.caCertificate(), Optional.empty())) {
                  after.check();
                  assertThat(after.serverSerials)
                      .containsExactly(renewed.certificate().getSerialNumber());
                }
              });
      assertThat(before.check()).isEqualTo(ServingStatus.SERVING);
      assertThat(before.serverSerials) // one handshake: the open connection was never dropped
          .containsExactly(first.certificate().getSerialNumber());
      assertThat(metrics()).contains("attache_tls_reloads_total{result=\"success\"} 1.0");
    }
  }

  @Test
  void aBrokenRenewalIsRefusedAndTheCertificateInUseStays() throws Exception {
    SecretVolume secret = new SecretVolume(dir.resolve("secret"));
    Issued first = PKI.issue(Usage.SERVER, "localhost");
    secret.write(secretData(first, KeyEncoding.PKCS8));
    start(secretSettings(secret));

    // A new certificate with another certificate's key: it could not complete a handshake.
    Issued renewed = PKI.issue(Usage.SERVER, "localhost");
    Issued unrelated = PKI.issue(Usage.SERVER, "localhost");
    secret.write(
        Map.of(
            "tls.crt", renewed.certificatePem(),
            "tls.key", unrelated.keyPem(KeyEncoding.PKCS8)));

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> metrics().contains("attache_tls_reloads_total{result=\"error\"} 1.0"));
    try (TlsClient client = new TlsClient(host.grpcPort(), PKI.caCertificate(), Optional.empty())) {
      assertThat(client.check()).isEqualTo(ServingStatus.SERVING);
      assertThat(client.serverSerials).containsExactly(first.certificate().getSerialNumber());
    }
    assertThat(metrics())
        .contains("attache_tls_certificate_expiry_seconds")
        .contains("attache_tls_reloads_total{result=\"success\"} 0.0");
  }

  @Test
  void tlsWithoutACertificateIsASettingsErrorNamingTheVariable() {
    Settings settings = new Settings(Map.of("GRPC_SERVER_USE_TLS", "true"));
    assertThat(ServerTls.fromSettings(settings)).isEmpty();
    assertThatThrownBy(settings::validate)
        .hasMessageContaining("GRPC_SERVER_TLS_CERT=: required when GRPC_SERVER_USE_TLS is true")
        .hasMessageContaining("GRPC_SERVER_TLS_KEY=: required when GRPC_SERVER_USE_TLS is true");
  }

  @Test
  void aMissingOrMismatchedFileIsASettingsErrorNamingTheVariableAndTheFile() {
    Map<String, String> env = tlsSettings(PKI.issue(Usage.SERVER, "localhost"));
    env.put("GRPC_CLIENT_TLS_CACERT", dir.resolve("nowhere.crt").toString());
    Settings missing = new Settings(env);
    ServerTls.fromSettings(missing);
    assertThatThrownBy(missing::validate)
        .hasMessageContaining("GRPC_CLIENT_TLS_CACERT=")
        .hasMessageContaining("nowhere.crt: no such file");

    PKI.issue(Usage.SERVER, "localhost")
        .writeTo(dir.resolve("other.crt"), dir.resolve("other.key"));
    env.remove("GRPC_CLIENT_TLS_CACERT");
    env.put("GRPC_SERVER_TLS_KEY", dir.resolve("other.key").toString());
    Settings mismatched = new Settings(env);
    ServerTls.fromSettings(mismatched);
    assertThatThrownBy(mismatched::validate)
        .hasMessageContaining("GRPC_SERVER_TLS_KEY=")
        .hasMessageContaining("is not the private key of the certificate in");
  }

  @Test
  void aClientSanWithoutAClientCaIsASettingsErrorRatherThanACheckThatNeverRuns() {
    Map<String, String> env = tlsSettings(PKI.issue(Usage.SERVER, "localhost"));
    env.put("GRPC_CLIENT_TLS_SAN", "envoy");
    Settings settings = new Settings(env);
    ServerTls.fromSettings(settings);
    assertThatThrownBy(settings::validate)
        .hasMessageContaining("GRPC_CLIENT_TLS_SAN=envoy: needs GRPC_CLIENT_TLS_CACERT");
  }

  private static Map<String, String> secretData(Issued issued, KeyEncoding encoding) {
    return Map.of("tls.crt", issued.certificatePem(), "tls.key", issued.keyPem(encoding));
  }

  private static void assertUnavailable(TlsClient client) {
    assertThatThrownBy(client::check)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  private String metrics() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + host.adminPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }
}
