package io.attache.authz.identity.jwt;

import static io.attache.authz.identity.jwt.TestTokens.bearer;
import static io.attache.authz.identity.jwt.TestTokens.rs256;
import static io.attache.authz.identity.jwt.TestTokens.validClaims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.ReasonCode;
import io.attache.runtime.Settings;
import io.attache.runtime.tracing.Tracing;
import io.attache.testsupport.jwks.JwksServer;
import io.attache.testsupport.keys.TestKeyPairs;
import io.attache.testsupport.otel.OtlpReceiver;
import io.attache.testsupport.time.MutableClock;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against a real HTTP server on the loopback interface playing the identity provider. */
class RemoteJwksTest {
  private static final Duration MIN_REFETCH = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final RSAKey rotatedIn = TestTokens.rsaJwk("rsa-2", TestKeyPairs.otherRsa());
  private final MutableClock refetchClock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));
  private JwksServer server;
  private RemoteJwks jwks;

  @AfterEach
  void stop() {
    if (jwks != null) {
      jwks.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private RemoteJwks.Builder configured(RemoteJwks.Builder builder) {
    // The test servers speak plain http on loopback.
    return builder
        .allowHttp(true)
        .refreshInterval(Duration.ofMinutes(10))
        .minRefetchInterval(MIN_REFETCH)
        .requestTimeout(Duration.ofSeconds(2))
        .clock(refetchClock);
  }

  private JwtVerifier startedVerifier(RemoteJwks.Builder builder) {
    jwks = configured(builder).start();
    assertThat(jwks.awaitFirstKeys(WAIT)).as("first JWKS fetch").isTrue();
    return verifier();
  }

  private JwtVerifier verifier() {
    return new JwtVerifier(
        JwtSettings.builder().issuers(TestTokens.ISSUER).audiences(TestTokens.AUDIENCE).build(),
        jwks,
        TestTokens.CLOCK);
  }

  private static String tokenSignedBy(RSAKey key) {
    return TestTokens.sign(JWSAlgorithm.RS256, key, validClaims().build());
  }

  private static ReasonCode reason(IdentityResult result) {
    assertThat(result).isInstanceOf(IdentityResult.Rejected.class);
    return ((IdentityResult.Rejected) result).reason();
  }

  @Test
  void verifiesWithKeysFromAJwksUrl() {
    server = JwksServer.start(TestTokens.jwks(TestTokens.rsa()));
    JwtVerifier verifier = startedVerifier(RemoteJwks.fromJwksUri(server.jwksUri()));

    assertThat(verifier.verify(bearer(rs256(validClaims().build()))))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  /** Each fetch is a span, exported over OTLP to a real receiver (issue #21, tracing). */
  @Test
  void eachFetchIsAClientSpanNamingTheUrlAndTheKeysItGot() {
    server = JwksServer.start(TestTokens.jwks(TestTokens.rsa()));
    try (OtlpReceiver receiver = OtlpReceiver.start();
        Tracing tracing =
            Tracing.fromSettings(
                new Settings(
                    Map.of(
                        "OTEL_EXPORTER_OTLP_ENDPOINT",
                        receiver.endpoint(),
                        "OTEL_BSP_SCHEDULE_DELAY",
                        "50")),
                "ext-authz");
        RemoteJwks jwks =
            RemoteJwks.fromJwksUri(server.jwksUri())
                .allowHttp(true)
                .tracer(tracing.tracer())
                .start()) {
      assertThat(jwks.awaitFirstKeys(Duration.ofSeconds(5))).isTrue();

      OtlpReceiver.ReceivedSpan fetch =
          receiver.await(s -> s.span().getName().equals("JWKS fetch"), Duration.ofSeconds(10));
      assertThat(fetch.attribute("url.full")).contains(server.jwksUri().toString());
      assertThat(fetch.attribute("jwks.keys")).contains("1");
      assertThat(fetch.service()).isEqualTo("ext-authz");
    }
  }

  @Test
  void findsTheJwksThroughOpenIdConnectDiscovery() {
    server = JwksServer.start(TestTokens.jwks(TestTokens.rsa()));
    JwtVerifier verifier = startedVerifier(RemoteJwks.fromIssuer(server.issuer()));

    assertThat(verifier.verify(bearer(rs256(validClaims().build()))))
        .isInstanceOf(IdentityResult.Authenticated.class);
    assertThat(server.discoveryRequests()).isEqualTo(1);
  }

  @Test
  void aRotatedInKeyIsPickedUpAfterTheUnknownKidRefetch() {
    server = JwksServer.start(TestTokens.jwks(TestTokens.rsa()));
    JwtVerifier verifier = startedVerifier(RemoteJwks.fromJwksUri(server.jwksUri()));
    server.setJwks(TestTokens.jwks(TestTokens.rsa(), rotatedIn));
    refetchClock.advance(MIN_REFETCH);
    String token = tokenSignedBy(rotatedIn);

    assertThat(reason(verifier.verify(bearer(token)))).isEqualTo(ReasonCode.TOKEN_KEY_UNKNOWN);
    await()
        .atMost(WAIT)
        .until(() -> verifier.verify(bearer(token)) instanceof IdentityResult.Authenticated);
  }

  @Test
  void anUnknownKidIsRefetchedEvenWhenTheSetHasKeysWithoutAKid() {
    RSAKey kidless = TestTokens.rsaJwk(null, TestKeyPairs.rsa());
    server = JwksServer.start(TestTokens.jwks(kidless));
    JwtVerifier verifier = startedVerifier(RemoteJwks.fromJwksUri(server.jwksUri()));
    server.setJwks(TestTokens.jwks(kidless, rotatedIn));
    refetchClock.advance(MIN_REFETCH);
    String token = tokenSignedBy(rotatedIn);

    verifier.verify(bearer(token));
    await()
        .atMost(WAIT)
        .until(() -> verifier.verify(bearer(token)) instanceof IdentityResult.Authenticated);
  }

  @Test
  void cachedKeysKeepVerifyingWhileTheEndpointIsDown() {
    server = JwksServer.start(TestTokens.jwks(TestTokens.rsa()));
    JwtVerifier verifier = startedVerifier(RemoteJwks.fromJwksUri(server.jwksUri()));
    server.stop();
    refetchClock.advance(MIN_REFETCH);
    verifier.verify(bearer(tokenSignedBy(rotatedIn)));
    await().atMost(WAIT).until(() -> jwks.fetchFailures() == 1);

    assertThat(verifier.verify(bearer(rs256(validClaims().build()))))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  @Test
  void aBrokenJwksDocumentDoesNotReplaceTheLastGoodKeys() {
    server = JwksServer.start(TestTokens.jwks(TestTokens.rsa()));
    JwtVerifier verifier = startedVerifier(RemoteJwks.fromJwksUri(server.jwksUri()));
    server.setJwks("<html>maintenance</html>");
    refetchClock.advance(MIN_REFETCH);
    verifier.verify(bearer(tokenSignedBy(rotatedIn)));
    await().atMost(WAIT).until(() -> jwks.fetchFailures() == 1);

    assertThat(verifier.verify(bearer(rs256(validClaims().build()))))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  @Test
  void unknownKidsCauseNoRefetchWithinTheIntervalOfTheLastFetch() {
    server = JwksServer.start(TestTokens.jwks(TestTokens.rsa()));
    JwtVerifier verifier = startedVerifier(RemoteJwks.fromJwksUri(server.jwksUri()));
    refetchClock.advance(MIN_REFETCH.minusSeconds(1));
    String unknown = tokenSignedBy(rotatedIn);

    for (int i = 0; i < 50; i++) {
      verifier.verify(bearer(unknown));
    }

    await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> server.jwksRequests() == 1);
  }

  @Test
  void manyUnknownKidsCauseOneRefetchPerInterval() {
    server = JwksServer.start(TestTokens.jwks(TestTokens.rsa()));
    JwtVerifier verifier = startedVerifier(RemoteJwks.fromJwksUri(server.jwksUri()));
    String unknown = tokenSignedBy(rotatedIn);

    for (int interval = 1; interval <= 3; interval++) {
      refetchClock.advance(MIN_REFETCH);
      for (int i = 0; i < 50; i++) {
        verifier.verify(bearer(unknown));
      }
      int expected = 1 + interval;
      await().atMost(WAIT).until(() -> jwks.fetchSuccesses() == expected);
    }

    await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> server.jwksRequests() == 4);
  }

  @Test
  void withoutKeysVerificationAnswersUnavailableInsteadOfWaiting() throws Exception {
    // Accepts connections but never answers, so the first fetch hangs until its timeout.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      jwks =
          configured(
                  RemoteJwks.fromJwksUri(
                      URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/keys")))
              .requestTimeout(Duration.ofSeconds(30))
              .start();
      long started = System.nanoTime();

      IdentityResult result = verifier().verify(bearer(rs256(validClaims().build())));

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
      assertThat(reason(result)).isEqualTo(ReasonCode.JWKS_UNAVAILABLE);
    }
  }

  @Test
  void aFailedFirstFetchIsRetriedUntilKeysArrive() {
    server = JwksServer.start(TestTokens.jwks(TestTokens.rsa()));
    server.setJwksStatus(503);
    jwks =
        configured(RemoteJwks.fromJwksUri(server.jwksUri()))
            .minRefetchInterval(Duration.ofMillis(100))
            .start();
    await().atMost(WAIT).until(() -> jwks.fetchFailures() >= 1);
    assertThat(reason(verifier().verify(bearer(rs256(validClaims().build())))))
        .isEqualTo(ReasonCode.JWKS_UNAVAILABLE);

    server.setJwksStatus(200);

    assertThat(jwks.awaitFirstKeys(WAIT)).isTrue();
  }

  @Test
  void thePeriodicRefreshPicksUpNewKeysOnItsOwn() {
    server = JwksServer.start(TestTokens.jwks(TestTokens.rsa()));
    jwks =
        configured(RemoteJwks.fromJwksUri(server.jwksUri()))
            .refreshInterval(Duration.ofMillis(100))
            .start();
    assertThat(jwks.awaitFirstKeys(WAIT)).isTrue();

    server.setJwks(TestTokens.jwks(rotatedIn));

    await()
        .atMost(WAIT)
        .until(
            () ->
                jwks.keys().orElseThrow().keys().stream()
                    .allMatch(k -> k.kid().orElseThrow().equals("rsa-2")));
  }

  /**
   * Keys fetched over plain http can be swapped in transit, and with them every signature forged
   * (RFC 8725 section 3.1 asks for key material from trusted sources): refused unless asked for.
   */
  @Test
  void anHttpKeyUrlIsRefusedUnlessAllowedByName() {
    URI plain = URI.create("http://idp.example.com/keys");

    assertThatThrownBy(() -> RemoteJwks.fromJwksUri(plain).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://idp.example.com/keys is http://")
        .hasMessageContaining("allowHttp: true");
    assertThatThrownBy(() -> RemoteJwks.fromIssuer(URI.create("http://idp.example.com")).start())
        .isInstanceOf(IllegalArgumentException.class);
    RemoteJwks.fromJwksUri(URI.create("https://idp.example.com/keys")).validate();
  }
}
