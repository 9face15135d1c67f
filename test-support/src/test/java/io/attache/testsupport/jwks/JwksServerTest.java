package io.attache.testsupport.jwks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JwksServerTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void discoveryNamesTheIssuerAndPointsAtTheJwks() throws Exception {
    try (JwksServer server = JwksServer.start("{\"keys\":[]}")) {
      String discovery = get(URI.create(server.issuer() + "/.well-known/openid-configuration"));

      assertThat(discovery)
          .contains("\"issuer\":\"" + server.issuer() + "\"")
          .contains("\"jwks_uri\":\"" + server.jwksUri() + "\"");
      assertThat(server.discoveryRequests()).isEqualTo(1);
    }
  }

  @Test
  void servesTheLatestJwksAndCountsRequests() throws Exception {
    try (JwksServer server = JwksServer.start("{\"keys\":[]}")) {
      get(server.jwksUri());
      server.setJwks("{\"keys\":[{\"kty\":\"EC\"}]}");

      assertThat(get(server.jwksUri())).isEqualTo("{\"keys\":[{\"kty\":\"EC\"}]}");
      assertThat(server.jwksRequests()).isEqualTo(2);
    }
  }

  @Test
  void aStoppedServerRefusesConnections() {
    JwksServer server = JwksServer.start("{\"keys\":[]}");
    URI jwks = server.jwksUri();
    server.stop();

    assertThatThrownBy(() -> get(jwks)).isInstanceOf(IOException.class);
  }

  private static String get(URI uri) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
