package io.attache.authz.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.app.LocalExtAuthz;
import io.attache.authz.grpc.EnvoyChecks;
import io.attache.runtime.host.ServiceHost;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Service-account tokens through TokenReview. No kube-apiserver can run here, so fabric8's mock API
 * server stands in and answers each review as the API server documents it
 * (kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-review-v1): {@code
 * status.authenticated}, {@code status.user} with {@code system:serviceaccount:<ns>:<name>}, and
 * {@code status.audiences} when the token is for one of {@code spec.audiences}.
 */
@EnableKubernetesMockClient(crud = true)
class ServiceAccountTokenTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  KubernetesClient client;
  KubernetesMockServer server;

  @TempDir Path dir;
  private final List<TokenReview> reviews = new CopyOnWriteArrayList<>();
  private ServiceHost host;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server
        .expect()
        .post()
        .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
        .andReply(201, request -> review(request.getBody().readUtf8()))
        .always();
    Files.writeString(
        dir.resolve("mesh.yaml"),
        """
        kind: AuthPolicy
        metadata: {name: mesh, namespace: shop}
        spec:
          identity: [{serviceAccount: {audiences: [attache]}}]
          rules:
            - {name: same-namespace, when: "identity.claims.namespace == 'shop'"}
          response:
            headers: {x-caller: "{identity.principal}"}
        """);
    host = LocalExtAuthz.start(dir, 0, Optional.of(client));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    host.close();
    client.close(); // before the mock server's shutdown, which waits for open connections
  }

  /** The API server's answer: two known tokens, one per namespace, for audience attache. */
  private TokenReview review(String body) {
    TokenReview asked = JSON.unmarshal(body, TokenReview.class);
    reviews.add(asked);
    String token = asked.getSpec().getToken();
    boolean forAttache =
        asked.getSpec().getAudiences() != null
            && asked.getSpec().getAudiences().contains("attache");
    String user =
        switch (token) {
          case "billing-token" -> "system:serviceaccount:shop:billing";
          case "intruder-token" -> "system:serviceaccount:other:intruder";
          default -> null;
        };
    TokenReviewBuilder answer = new TokenReviewBuilder(asked);
    if (user == null || !forAttache) {
      return answer
          .withNewStatus()
          .withAuthenticated(false)
          .withError("invalid")
          .endStatus()
          .build();
    }
    return answer
        .withNewStatus()
        .withAuthenticated(true)
        .withAudiences("attache")
        .withNewUser()
        .withUsername(user)
        .withUid("uid-" + token)
        .withGroups("system:serviceaccounts", "system:authenticated")
        .endUser()
        .endStatus()
        .build();
  }

  private CheckResponse check(String token) {
    return AuthorizationGrpc.newBlockingStub(channel)
        .check(
            EnvoyChecks.envoyCheck(
                "GET", "svc.shop", "/", Map.of("authorization", "Bearer " + token)));
  }

  private static String header(CheckResponse response, String name) {
    return java.util.stream.Stream.concat(
            response.getOkResponse().getHeadersList().stream(),
            response.getDeniedResponse().getHeadersList().stream())
        .filter(h -> h.getHeader().getKey().equals(name))
        .map(h -> h.getHeader().getValue())
        .findFirst()
        .orElse("");
  }

  @Test
  void aServiceAccountTokenIsReviewedOnceWithTheAudienceAndNamesItsAccount() {
    CheckResponse first = check("billing-token");
    CheckResponse second = check("billing-token");

    assertThat(first.getStatus().getCode()).isZero();
    assertThat(header(first, "x-caller")).isEqualTo("system:serviceaccount:shop:billing");
    assertThat(second.getStatus().getCode()).isZero();
    assertThat(reviews)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getSpec().getToken()).isEqualTo("billing-token");
              assertThat(r.getSpec().getAudiences()).containsExactly("attache");
            });
  }

  @Test
  void anUnknownTokenIsInactiveAndAnotherNamespacesAccountIsForbiddenByTheRule() {
    CheckResponse unknown = check("forged-token");
    CheckResponse intruder = check("intruder-token");

    assertThat(unknown.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(401);
    assertThat(header(unknown, "x-ext-auth-reason")).isEqualTo("token_inactive");
    assertThat(intruder.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(403);
  }
}
