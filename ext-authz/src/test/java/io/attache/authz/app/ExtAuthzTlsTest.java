package io.attache.authz.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.authz.grpc.EnvoyChecks;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import io.attache.testsupport.tls.MutualTls;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ext-authz with {@code GRPC_SERVER_USE_TLS} and a client CA: Envoy's gRPC ext_authz and Emissary's
 * HTTP AuthService ({@code tls: true}) both reach it over mutual TLS, and neither port answers
 * plaintext.
 */
class ExtAuthzTlsTest {
  @TempDir Path dir;

  private final int httpPort = FreePorts.next();

  private ServiceHost start(MutualTls tls) {
    Map<String, String> env = tls.serverSettings();
    env.putAll(
        Map.of(
            "HOST", "127.0.0.1",
            "GRPC_PORT", "0",
            "ADMIN_PORT", "0",
            "HTTP_PORT", String.valueOf(httpPort)));
    return ExtAuthzApp.start(new Settings(env));
  }

  @Test
  void checksArriveOverMutualTlsOnTheGrpcPort() {
    MutualTls tls = new MutualTls(dir, "envoy");
    try (ServiceHost host = start(tls)) {
      ManagedChannel channel = tls.channel(host.grpcPort());
      try {
        CheckResponse response =
            AuthorizationGrpc.newBlockingStub(channel)
                .check(EnvoyChecks.envoyCheck("GET", "shop.example.com", "/orders", Map.of()));
        assertThat(response.hasDeniedResponse()).isTrue(); // no policy: denied, but answered
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void httpModeAnswersOverMutualTlsAndNeverReadsPlaintext() throws Exception {
    MutualTls tls = new MutualTls(dir, "emissary");
    try (ServiceHost host = start(tls)) {
      HttpClient client = HttpClient.newBuilder().sslContext(tls.clientContext()).build();
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("https://localhost:" + httpPort + "/orders"))
                  .header("x-forwarded-proto", "https")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(403); // no policy: the default denies

      assertThat(plaintextAnswer(httpPort)).doesNotContain("HTTP/1.1");
      HttpClient noCertificate =
          HttpClient.newBuilder().sslContext(tls.clientContextWithoutCertificate()).build();
      assertThatThrownBy(
              () ->
                  noCertificate.send(
                      HttpRequest.newBuilder(
                              URI.create("https://localhost:" + httpPort + "/orders"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    }
  }

  /** What the port writes back to a plaintext request: a TLS alert at most, never an answer. */
  private static String plaintextAnswer(int port) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write("GET /orders HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] answer = socket.getInputStream().readNBytes(64);
      return new String(answer, StandardCharsets.ISO_8859_1);
    } catch (java.net.SocketException e) {
      return ""; // reset: nothing read
    }
  }
}
