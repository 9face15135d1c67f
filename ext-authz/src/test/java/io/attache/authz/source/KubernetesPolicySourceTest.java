package io.attache.authz.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.authz.app.LocalExtAuthz;
import io.attache.authz.grpc.EnvoyChecks;
import io.attache.authz.identity.basic.HtpasswdTest;
import io.attache.crds.Conditions;
import io.attache.crds.v1alpha1.AuthPolicy;
import io.attache.crds.v1alpha1.AuthPolicySpec;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.kubernetes.MockApiServer;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AuthPolicy resources and API keys in Secrets, against fabric8's mock API server in CRUD mode (no
 * kube-apiserver can run here).
 */
class KubernetesPolicySourceTest {
  private MockApiServer api; // not @EnableKubernetesMockClient: see MockApiServer
  private KubernetesClient client;

  @TempDir Path dir;
  private ServiceHost host;
  private ManagedChannel channel;
  private AuthorizationGrpc.AuthorizationBlockingStub stub;

  @BeforeEach
  void start() {
    api = MockApiServer.start();
    client = api.newClient();
    host = LocalExtAuthz.start(dir, 0, Optional.of(client));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
    stub = AuthorizationGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    host.close();
    client.close(); // before the mock server's shutdown, which waits for open connections
    api.stop();
  }

  private static AuthPolicy policy(String name, List<Map<String, Object>> identity) {
    Map<String, Object> written =
        Map.of(
            "match",
            Map.of("hosts", List.of("shop.example.com")),
            "identity",
            identity,
            "response",
            Map.of(
                "headers",
                Map.of("x-user-id", "{identity.principal}", "x-tier", "{identity.metadata.tier}")));
    AuthPolicySpec spec = new KubernetesSerialization().convertValue(written, AuthPolicySpec.class);
    AuthPolicy policy = new AuthPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("shop").build());
    policy.setSpec(spec);
    return policy;
  }

  private static Secret keySecret(String name, String key, String principal) {
    return new SecretBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(name)
                .withNamespace("shop")
                .withLabels(Map.of("attache.io/api-key", "orders"))
                .withAnnotations(
                    Map.of("attache.io/principal", principal, "attache.io/tier", "gold"))
                .build())
        .withData(
            Map.of(
                "api_key",
                Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8))))
        .build();
  }

  private CheckResponse check(String key) {
    return stub.check(
        EnvoyChecks.envoyCheck("GET", "shop.example.com", "/orders", Map.of("x-api-key", key)));
  }

  private Optional<Condition> accepted(String name) {
    AuthPolicy current =
        client.resources(AuthPolicy.class).inNamespace("shop").withName(name).get();
    return current == null || current.getStatus() == null
        ? Optional.empty()
        : Conditions.find(current.getStatus(), Conditions.ACCEPTED);
  }

  @Test
  void keysInLabelledSecretsOpenAResourcePolicyAndRotationTakesEffect() {
    client.resource(keySecret("billing-key", "first-key", "billing")).create();
    client
        .resource(
            policy(
                "orders",
                List.of(
                    Map.of(
                        "apiKey",
                        Map.of(
                            "secretSelector",
                            Map.of("matchLabels", Map.of("attache.io/api-key", "orders")))))))
        .create();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> check("first-key").getStatus().getCode() == 0);
    CheckResponse allowed = check("first-key");
    assertThat(allowed.getOkResponse().getHeadersList())
        .extracting(h -> h.getHeader().getKey() + "=" + h.getHeader().getValue())
        .contains("x-user-id=billing", "x-tier=gold");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(accepted("orders"))
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True")));

    client.resource(keySecret("billing-key", "second-key", "billing")).update();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> check("first-key").getStatus().getCode() != 0);
    assertThat(check("second-key").getStatus().getCode()).isZero();
  }

  /** Basic users from an htpasswd Secret's {@code auth} key, the key ingress-nginx reads. */
  @Test
  void basicUsersInLabelledHtpasswdSecretsAreCheckedOverGrpc() {
    client
        .resource(
            new SecretBuilder()
                .withMetadata(
                    new ObjectMetaBuilder()
                        .withName("users")
                        .withNamespace("shop")
                        .withLabels(Map.of("attache.io/htpasswd", "orders"))
                        .build())
                .withData(
                    Map.of(
                        "auth",
                        Base64.getEncoder()
                            .encodeToString(
                                ("alice:" + HtpasswdTest.BCRYPT + "\n")
                                    .getBytes(StandardCharsets.UTF_8))))
                .build())
        .create();
    client
        .resource(
            policy(
                "basic",
                List.of(
                    Map.of(
                        "basicAuth",
                        Map.of(
                            "secretSelector",
                            Map.of("matchLabels", Map.of("attache.io/htpasswd", "orders")))))))
        .create();
    String right =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    ("alice:" + HtpasswdTest.PASSWORD).getBytes(StandardCharsets.UTF_8));
    String wrong = "Basic " + Base64.getEncoder().encodeToString("alice:nope".getBytes());

    await().atMost(Duration.ofSeconds(10)).until(() -> checkWith(right).getStatus().getCode() == 0);
    CheckResponse denied = checkWith(wrong);

    assertThat(checkWith(right).getOkResponse().getHeadersList())
        .extracting(h -> h.getHeader().getKey() + "=" + h.getHeader().getValue())
        .contains("x-user-id=alice");
    assertThat(denied.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(401);
    assertThat(denied.getDeniedResponse().getHeadersList())
        .extracting(h -> h.getHeader().getKey() + "=" + h.getHeader().getValue())
        .contains(
            "www-authenticate=Basic realm=\"attache\", charset=\"UTF-8\"",
            "x-ext-auth-reason=basic_credentials_invalid");
  }

  /**
   * The introspection client's secret is read from a Secret named in the policy's namespace, on
   * every call: before the Secret exists the endpoint is not asked (the check fails closed), and
   * once it is created the same policy works, without a reload.
   */
  @Test
  void anIntrospectionClientSecretIsReadFromTheNamedSecretOnceItExists() {
    MockOAuth2Server provider = new MockOAuth2Server();
    provider.start();
    try {
      client
          .resource(
              policy(
                  "opaque",
                  List.of(
                      Map.of(
                          "introspection",
                          Map.of(
                              "url",
                              provider.url("idp/introspect").toString(),
                              "clientId",
                              "attache",
                              "clientSecretRef",
                              Map.of("name", "idp-client"),
                              "allowHttp",
                              true)))))
          .create();
      String token =
          "Bearer " + provider.issueToken("idp", "erin", "orders", Map.of(), 3600).serialize();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> reason(checkWith(token)).equals("introspection_unavailable"));

      client
          .resource(
              new SecretBuilder()
                  .withMetadata(
                      new ObjectMetaBuilder().withName("idp-client").withNamespace("shop").build())
                  .withData(
                      Map.of(
                          "client_secret",
                          Base64.getEncoder()
                              .encodeToString("s3cret".getBytes(StandardCharsets.UTF_8))))
                  .build())
          .create();

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> checkWith(token).getStatus().getCode() == 0);
    } finally {
      provider.shutdown();
    }
  }

  private static String reason(CheckResponse response) {
    return response.getDeniedResponse().getHeadersList().stream()
        .filter(h -> h.getHeader().getKey().equals("x-ext-auth-reason"))
        .map(h -> h.getHeader().getValue())
        .findFirst()
        .orElse("");
  }

  private CheckResponse checkWith(String authorization) {
    return stub.check(
        EnvoyChecks.envoyCheck(
            "GET", "shop.example.com", "/orders", Map.of("authorization", authorization)));
  }

  @Test
  void anInvalidResourceIsRejectedInItsStatusWithTheFieldAndLeftOut() {
    // Written as raw JSON: the typed model has no field for the mistake. The client drops the
    // unknown field when it reads the resource, as a real API server prunes it (structural schema).
    GenericKubernetesResource broken =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("attache.io/v1alpha1")
            .withKind("AuthPolicy")
            .withNewMetadata()
            .withName("broken")
            .withNamespace("shop")
            .endMetadata()
            .withAdditionalProperties(
                Map.of("spec", Map.of("identity", List.of(Map.of("password", Map.of())))))
            .build();
    client
        .genericKubernetesResources(ResourceDefinitionContext.fromResourceType(AuthPolicy.class))
        .inNamespace("shop")
        .resource(broken)
        .create();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(accepted("broken"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("Invalid");
                          assertThat(c.getMessage())
                              .contains("spec.identity[0]")
                              .contains(
                                  "must have exactly one of jwt, apiKey, mtls, anonymous, basicAuth, introspection, serviceAccount, oidc");
                        }));
    assertThat(check("anything").getDeniedResponse().getStatus().getCodeValue()).isEqualTo(403);
  }
}
