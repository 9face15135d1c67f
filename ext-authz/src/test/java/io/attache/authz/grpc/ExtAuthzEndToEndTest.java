package io.attache.authz.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.attache.authz.app.ExtAuthzApp;
import io.attache.authz.http.RawHttp;
import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import io.attache.testsupport.jwks.JwksServer;
import io.attache.testsupport.kafka.KafkaBrokerExtension;
import io.attache.testsupport.kafka.TopicReader;
import io.attache.testsupport.keys.TestKeyPairs;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * ext-authz as Envoy and Emissary meet it: Check over a real Netty gRPC server with requests shaped
 * as Envoy sends them, Emissary's HTTP mode, policies from files, audit events read back from
 * Kafka.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ExtAuthzEndToEndTest {
  static final String POLICY =
      """
      kind: AuthPolicy
      metadata: {name: orders, namespace: shop}
      spec:
        match: {hosts: [shop.example.com], paths: [{prefix: /orders}]}
        identity:
          - apiKey:
              keys: [{key: s3cr3t-key, principal: ops, metadata: {tier: gold}}]
        rules:
          - {name: no-deletes, action: deny, when: "request.method == 'DELETE'"}
          - {name: everyone-else, when: "true"}
        response:
          headers: {x-user-id: "{identity.principal}"}
          removeHeaders: [x-api-key]
          dynamicMetadata: {principal: "{identity.principal}", tier: "{identity.metadata.tier}"}
        deny: {realm: shop, body: "go away"}
      ---
      kind: AuthPolicy
      metadata: {name: health}
      spec:
        match: {paths: [{exact: /healthz}]}
        identity: [{anonymous: {}}]
      """;

  private static final JwksServer JWKS =
      JwksServer.start(
          new JWKSet(
                  new RSAKey.Builder((RSAPublicKey) TestKeyPairs.rsa().getPublic())
                      .keyID("k1")
                      .build())
              .toString());

  @AfterAll
  static void stopJwks() {
    JWKS.close();
  }

  @TempDir Path dir;
  private ServiceHost host;
  private ManagedChannel channel;
  private AuthorizationGrpc.AuthorizationBlockingStub stub;
  private int httpPort;
  private String prefix;
  private EmbeddedKafkaBroker broker;

  @BeforeEach
  void start(EmbeddedKafkaBroker broker) throws Exception {
    this.broker = broker;
    Files.createDirectories(dir.resolve("policies"));
    Files.writeString(dir.resolve("policies/orders.yaml"), POLICY);
    Files.writeString(
        dir.resolve("policies/tokens.yaml"),
        """
        kind: AuthPolicy
        metadata: {name: tokens}
        spec:
          match: {hosts: [api.example.com]}
          identity:
            - jwt:
                issuers: [https://idp.example.com]
                audiences: [api]
                issuerUrl: %s
                allowHttp: true   # the test's identity provider is plain http on loopback
                algorithms: [RS256]
          rules:
            - {name: admins, when: "'admin' in identity.claims.roles"}
          response:
            headers: {x-user-id: "{identity.principal}"}
            removeHeaders: [authorization]
        """
            .formatted(JWKS.issuer())
            .replace("https://idp.example.com", JWKS.issuer().toString()));
    httpPort = FreePorts.next();
    prefix = "authz" + System.nanoTime() + ".";
    host =
        ExtAuthzApp.start(
            new Settings(
                Map.ofEntries(
                    Map.entry("HOST", "127.0.0.1"),
                    Map.entry("GRPC_PORT", "0"),
                    Map.entry("ADMIN_PORT", "0"),
                    Map.entry("HTTP_PORT", String.valueOf(httpPort)),
                    Map.entry("ATTACHE_POLICY_DIR", dir.resolve("policies").toString()),
                    Map.entry("ATTACHE_CONFIG_POLL_INTERVAL", "100ms"),
                    Map.entry("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()),
                    Map.entry("ATTACHE_TOPIC_PREFIX", prefix),
                    Map.entry("ATTACHE_SPOOL_DIR", dir.resolve("spool").toString()))));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
    stub = AuthorizationGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    host.close();
  }

  private static Map<String, String> headers(List<HeaderValueOption> options) {
    Map<String, String> map = new java.util.HashMap<>();
    options.forEach(o -> map.put(o.getHeader().getKey(), o.getHeader().getValue()));
    return map;
  }

  @Test
  void aValidKeyIsAllowedWithUpstreamHeadersRemovalsAndDynamicMetadata() {
    CheckResponse response =
        stub.check(
            EnvoyChecks.envoyCheck(
                "GET",
                "shop.example.com",
                "/orders/7?expand=items",
                Map.of("x-api-key", "s3cr3t-key")));

    assertThat(response.getStatus().getCode()).isZero();
    assertThat(headers(response.getOkResponse().getHeadersList()))
        .containsEntry("x-user-id", "ops");
    assertThat(response.getOkResponse().getHeaders(0).getAppendAction())
        .isEqualTo(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD);
    assertThat(response.getOkResponse().getHeadersToRemoveList()).containsExactly("x-api-key");
    assertThat(response.getDynamicMetadata().getFieldsMap().get("principal").getStringValue())
        .isEqualTo("ops");
    assertThat(response.getDynamicMetadata().getFieldsMap().get("tier").getStringValue())
        .isEqualTo("gold");
  }

  @Test
  void deniedRequestsGetTheRightStatusHeadersAndBody() {
    CheckResponse missing =
        stub.check(EnvoyChecks.envoyCheck("GET", "shop.example.com", "/orders", Map.of()));
    CheckResponse wrongKey =
        stub.check(
            EnvoyChecks.envoyCheck(
                "GET", "shop.example.com", "/orders", Map.of("x-api-key", "guess")));
    CheckResponse delete =
        stub.check(
            EnvoyChecks.envoyCheck(
                "DELETE", "shop.example.com", "/orders/7", Map.of("x-api-key", "s3cr3t-key")));
    CheckResponse unknownHost =
        stub.check(EnvoyChecks.envoyCheck("GET", "other.example.com", "/orders", Map.of()));

    assertThat(missing.getStatus().getCode()).isEqualTo(16);
    assertThat(missing.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(401);
    assertThat(headers(missing.getDeniedResponse().getHeadersList()))
        .containsEntry("www-authenticate", "Bearer realm=\"shop\"")
        .containsEntry("x-ext-auth-reason", "missing_credentials");
    assertThat(missing.getDeniedResponse().getBody()).isEqualTo("go away");
    assertThat(headers(wrongKey.getDeniedResponse().getHeadersList()))
        .containsEntry("x-ext-auth-reason", "api_key_invalid");
    assertThat(delete.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(403);
    assertThat(delete.getStatus().getCode()).isEqualTo(7);
    assertThat(unknownHost.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(403);
    assertThat(headers(unknownHost.getDeniedResponse().getHeadersList()))
        .containsEntry("x-ext-auth-reason", "no_policy");
  }

  @Test
  void emissaryHttpModeAnswers200WithHeadersOrTheDenial() throws Exception {
    RawHttp.Response allowed =
        RawHttp.send(
            httpPort,
            "GET",
            "/orders/7",
            List.of("Host: shop.example.com", "x-api-key: s3cr3t-key"));
    RawHttp.Response denied =
        RawHttp.send(httpPort, "GET", "/orders/7", List.of("Host: shop.example.com"));

    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.header("x-user-id")).contains("ops");
    assertThat(denied.status()).isEqualTo(401);
    assertThat(denied.header("www-authenticate")).contains("Bearer realm=\"shop\"");
    assertThat(denied.body()).isEqualTo("go away");
  }

  private static String token(String subject, List<String> roles, Instant expires)
      throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
            new JWTClaimsSet.Builder()
                .issuer(JWKS.issuer().toString())
                .audience("api")
                .subject(subject)
                .claim("roles", roles)
                .issueTime(new Date())
                .expirationTime(Date.from(expires))
                .build());
    jwt.sign(new RSASSASigner(TestKeyPairs.rsa().getPrivate()));
    return jwt.serialize();
  }

  @Test
  void bearerTokensAreVerifiedAgainstTheIssuersKeysAndRules() throws Exception {
    Instant later = Instant.now().plusSeconds(600);
    String admin = token("alice", List.of("admin"), later);
    String user = token("bob", List.of("user"), later);
    String expired = token("alice", List.of("admin"), Instant.now().minusSeconds(3600));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                stub.check(
                            EnvoyChecks.envoyCheck(
                                "GET",
                                "api.example.com",
                                "/x",
                                Map.of("authorization", "Bearer " + admin)))
                        .getStatus()
                        .getCode()
                    == 0);

    CheckResponse allowed =
        stub.check(
            EnvoyChecks.envoyCheck(
                "GET", "api.example.com", "/x", Map.of("authorization", "Bearer " + admin)));
    CheckResponse notAdmin =
        stub.check(
            EnvoyChecks.envoyCheck(
                "GET", "api.example.com", "/x", Map.of("authorization", "Bearer " + user)));
    CheckResponse stale =
        stub.check(
            EnvoyChecks.envoyCheck(
                "GET", "api.example.com", "/x", Map.of("authorization", "Bearer " + expired)));

    assertThat(headers(allowed.getOkResponse().getHeadersList()))
        .containsEntry("x-user-id", "alice");
    assertThat(allowed.getOkResponse().getHeadersToRemoveList()).containsExactly("authorization");
    assertThat(notAdmin.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(403);
    assertThat(stale.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(401);
    assertThat(headers(stale.getDeniedResponse().getHeadersList()))
        .containsEntry("x-ext-auth-reason", "token_expired")
        .containsEntry("www-authenticate", "Bearer realm=\"attache\", error=\"invalid_token\"");
  }

  @Test
  void anInvalidPolicyFileLeavesTheLastGoodPolicies() throws Exception {
    Files.writeString(
        dir.resolve("policies/zz-broken.yaml"),
        "metadata: {name: x}\nspec: {identity: [{password: {}}]}\n");
    Thread.sleep(400);

    assertThat(
            stub.check(EnvoyChecks.envoyCheck("GET", "shop.example.com", "/healthz", Map.of()))
                .getStatus()
                .getCode())
        .isZero();
  }

  @Test
  void everyDecisionIsAnAuditEventWithoutTheKey() {
    stub.check(
        EnvoyChecks.envoyCheck(
            "GET", "shop.example.com", "/orders/1", Map.of("x-api-key", "s3cr3t-key")));
    stub.check(
        EnvoyChecks.envoyCheck(
            "GET", "shop.example.com", "/orders/2", Map.of("x-api-key", "guess")));

    List<ConsumerRecord<String, String>> records =
        TopicReader.read(broker, List.of(prefix + "audit.authz"), 2, Duration.ofSeconds(30));
    String all = String.join("\n", records.stream().map(ConsumerRecord::value).toList());
    assertThat(all).doesNotContain("s3cr3t-key").doesNotContain("guess");
    ConsumerRecord<String, String> allowed =
        records.stream().filter(r -> r.value().contains("/orders/1")).findFirst().orElseThrow();
    assertThat(allowed.key()).isEqualTo("ops");
    assertThat(allowed.value())
        .contains("\"decision\":\"ALLOW\"")
        .contains("\"principal\":\"ops\"")
        .contains("\"identityMethod\":\"api_key\"")
        .contains("\"keyFingerprint\":")
        .contains("\"policy\":\"shop/orders\"")
        .contains("\"sourceAddress\":\"10.1.2.3:51234\"")
        .contains("\"requestId\":\"f0c1d2e3-request\"");
    ConsumerRecord<String, String> denied =
        records.stream().filter(r -> r.value().contains("/orders/2")).findFirst().orElseThrow();
    assertThat(denied.value())
        .contains("\"decision\":\"DENY\"")
        .contains("\"reason\":\"api_key_invalid\"");
  }
}
