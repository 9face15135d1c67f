package io.attache.authz.http;

import static io.attache.testsupport.Sockets.closedWithin;
import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.decision.Authorizer;
import io.attache.authz.decision.AuthzService;
import io.attache.authz.policy.AuthPolicy;
import io.attache.authz.policy.PolicyParser;
import io.attache.authz.rules.CelConditions;
import io.attache.authz.tracing.TracedChecks;
import io.attache.events.EventSink;
import io.attache.runtime.HttpConnectionGuard;
import io.attache.runtime.HttpLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP mode's connection limits over real sockets: the slowloris a new user tried (thousands of
 * connections each holding half a request head) is closed at the header timeout while Envoy's
 * checks go on being answered, and a connection past the cap is answered 503 at once.
 */
class HttpAuthServerLimitsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Socket> sockets = new ArrayList<>();
  private HttpAuthServer server;

  private void start(HttpLimits limits) throws Exception {
    List<AuthPolicy> policies =
        new PolicyParser((spec, path, problems) -> null, new CelConditions(), "s".getBytes())
            .parse("p.yaml", HttpAuthServerTest.POLICIES);
    server =
        HttpAuthServer.start(
            "127.0.0.1",
            0,
            "/auth",
            TracedChecks.untraced(
                new AuthzService(new Authorizer(() -> policies, false), EventSink.discarding())),
            Optional.empty(),
            new HttpConnectionGuard(limits, registry, "http"));
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    server.close();
  }

  private RawHttp.Response check() throws IOException {
    return RawHttp.send(server.port(), "GET", "/auth/x", List.of("Host: public.example.com"));
  }

  @Test
  void halfSentHeadsAreClosedAtTheHeaderTimeoutWhileChecksAreAnswered() throws Exception {
    start(new HttpLimits(Duration.ofSeconds(1), Duration.ofMinutes(65), 10_000));
    for (int i = 0; i < 1_000; i++) {
      Socket socket = new Socket("127.0.0.1", server.port());
      socket
          .getOutputStream()
          .write("GET /auth/x HTTP/1.1\r\nHost: public.exa".getBytes(StandardCharsets.US_ASCII));
      sockets.add(socket);
    }

    assertThat(check().status()).isEqualTo(200);
    for (Socket socket : sockets) {
      assertThat(closedWithin(socket, 5_000)).isTrue();
    }
    assertThat(check().status()).isEqualTo(200);
    assertThat(
            registry
                .get("attache.http.connections.closed")
                .tag("reason", "header_timeout")
                .counter()
                .count())
        .isEqualTo(1_000);
  }

  @Test
  void aConnectionPastTheCapIsAnswered503() throws Exception {
    start(new HttpLimits(Duration.ofSeconds(5), Duration.ofMinutes(65), 2));
    for (int i = 0; i < 2; i++) {
      sockets.add(new Socket("127.0.0.1", server.port()));
    }

    assertThat(check().status()).isEqualTo(503);
    assertThat(
            registry
                .get("attache.http.connections.closed")
                .tag("reason", "over_capacity")
                .counter()
                .count())
        .isEqualTo(1);
  }
}
