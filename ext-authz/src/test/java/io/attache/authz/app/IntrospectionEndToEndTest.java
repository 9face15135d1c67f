package io.attache.authz.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.grpc.EnvoyChecks;
import io.attache.authz.http.RawHttp;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import io.attache.testsupport.ServiceProbe;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token introspection (RFC 7662) against a real OAuth 2.0 provider running in the test (navikt's
 * mock-oauth2-server, whose introspection endpoint requires client authentication and answers
 * {@code active} with the token's claims), through both of ext-authz's modes.
 */
class IntrospectionEndToEndTest {
  @TempDir Path dir;
  private final MockOAuth2Server provider = new MockOAuth2Server();
  private ServiceHost host;
  private int httpPort;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    provider.start();
    Files.writeString(dir.resolve("client-secret"), "s3cret\n");
    int closedPort = FreePorts.next();
    Files.createDirectories(dir.resolve("policies"));
    Files.writeString(
        dir.resolve("policies/api.yaml"),
        """
        kind: AuthPolicy
        metadata: {name: api}
        spec:
          match: {hosts: [api.example.com]}
          identity:
            - introspection:
                url: %s
                clientId: attache
                clientSecretFile: %s
                allowHttp: true   # the provider in this test is plain http on loopback
          rules:
            - {name: readers, when: "identity.claims.scope == 'orders:read'"}
          response: {headers: {x-user-id: "{identity.principal}"}}
        ---
        kind: AuthPolicy
        metadata: {name: down}
        spec:
          match: {hosts: [down.example.com]}
          identity:
            - introspection:
                url: http://127.0.0.1:%d/introspect
                clientId: attache
                clientSecretFile: %s
                allowHttp: true
        """
            .formatted(
                provider.url("idp/introspect"),
                dir.resolve("client-secret"),
                closedPort,
                dir.resolve("client-secret")));
    httpPort = FreePorts.next();
    host = LocalExtAuthz.start(dir.resolve("policies"), httpPort, Optional.empty());
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    host.close();
    provider.shutdown();
  }

  private String token(String issuer, String subject, String scope) {
    return provider.issueToken(issuer, subject, "orders", Map.of("scope", scope), 3600).serialize();
  }

  private RawHttp.Response http(String host, String token) throws Exception {
    return RawHttp.send(
        httpPort, "GET", "/orders", List.of("Host: " + host, "Authorization: Bearer " + token));
  }

  private String metrics() {
    return ServiceProbe.get("127.0.0.1", host.adminPort(), "/metrics").body();
  }

  @Test
  void anActiveTokenIsAllowedInBothModesWithItsClaimsAndAskedAboutOnce() throws Exception {
    String token = token("idp", "alice", "orders:read");

    RawHttp.Response viaHttp = http("api.example.com", token);
    CheckResponse viaGrpc =
        AuthorizationGrpc.newBlockingStub(channel)
            .check(
                EnvoyChecks.envoyCheck(
                    "GET",
                    "api.example.com",
                    "/orders",
                    Map.of("authorization", "Bearer " + token)));

    assertThat(viaHttp.status()).isEqualTo(200);
    assertThat(viaHttp.header("x-user-id")).contains("alice");
    assertThat(viaGrpc.getStatus().getCode()).isZero();
    assertThat(metrics())
        .contains("attache_authz_introspection_total{outcome=\"active\"} 1.0")
        .contains("attache_authz_introspection_total{outcome=\"remembered\"} 1.0");
  }

  @Test
  void aTokenTheProviderDidNotIssueIsInactiveAndAnActiveOneWithoutTheScopeIsForbidden()
      throws Exception {
    RawHttp.Response foreign =
        http("api.example.com", token("other-idp", "mallory", "orders:read"));
    RawHttp.Response writer = http("api.example.com", token("idp", "bob", "orders:write"));

    assertThat(foreign.status()).isEqualTo(401);
    assertThat(foreign.header("x-ext-auth-reason")).contains("token_inactive");
    assertThat(writer.status()).isEqualTo(403);
  }

  @Test
  void anUnreachableEndpointDeniesFastAndThenWithoutCalling() throws Exception {
    long started = System.nanoTime();
    RawHttp.Response first = http("down.example.com", token("idp", "carol", "x"));
    RawHttp.Response second = http("down.example.com", token("idp", "dave", "x"));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(first.status()).isEqualTo(401);
    assertThat(first.header("x-ext-auth-reason")).contains("introspection_unavailable");
    assertThat(second.header("x-ext-auth-reason")).contains("introspection_unavailable");
    assertThat(took).isLessThan(Duration.ofSeconds(1));
    assertThat(metrics())
        .contains("attache_authz_introspection_total{outcome=\"failed\"} 1.0")
        .contains("attache_authz_introspection_total{outcome=\"refused_while_failing\"} 1.0");
  }
}
