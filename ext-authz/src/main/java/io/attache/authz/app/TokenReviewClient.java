package io.attache.authz.app;

import io.attache.authz.identity.introspection.IntrospectionClient;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Asks the Kubernetes API server about a token with a TokenReview ({@code
 * authentication.k8s.io/v1}), and answers in RFC 7662's terms, so service-account tokens share
 * introspection's memory, sharing of calls and failing fast: {@code active} is {@code
 * status.authenticated} (with the wanted audiences, when the policy names some), {@code sub} the
 * user name ({@code system:serviceaccount:<namespace>:<name>}), and {@code uid}, {@code groups},
 * {@code extra} and {@code aud} (the audiences the server found) come along, plus {@code namespace}
 * and {@code serviceAccount} split out of a service account's name. The client blocks, so each
 * review runs on {@code reviews}, never the caller's thread.
 */
final class TokenReviewClient implements IntrospectionClient {
  static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  private final KubernetesClient client;
  private final List<String> audiences;
  private final Executor reviews;
  private final Duration timeout;

  TokenReviewClient(
      KubernetesClient client, List<String> audiences, Executor reviews, Duration timeout) {
    this.client = client;
    this.audiences = List.copyOf(audiences);
    this.reviews = reviews;
    this.timeout = timeout;
  }

  @Override
  public CompletableFuture<Map<String, Object>> introspect(String token) {
    return CompletableFuture.supplyAsync(() -> review(token), reviews)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private Map<String, Object> review(String token) {
    TokenReview review =
        client
            .authentication()
            .v1()
            .tokenReviews()
            .create(
                new TokenReviewBuilder()
                    .withNewSpec()
                    .withToken(token)
                    .withAudiences(audiences.isEmpty() ? null : audiences)
                    .endSpec()
                    .build());
    return answer(review.getStatus());
  }

  /** The review's status as an RFC 7662 answer. */
  Map<String, Object> answer(TokenReviewStatus status) {
    Map<String, Object> answer = new LinkedHashMap<>();
    boolean authenticated = status != null && Boolean.TRUE.equals(status.getAuthenticated());
    List<String> found =
        status == null || status.getAudiences() == null ? List.of() : status.getAudiences();
    // The API server refuses a token for none of the audiences asked for; say so here too, in
    // case an older server ignored them.
    boolean forUs = audiences.isEmpty() || found.stream().anyMatch(audiences::contains);
    answer.put("active", authenticated && forUs);
    if (!authenticated || !forUs || status.getUser() == null) {
      return answer;
    }
    UserInfo user = status.getUser();
    answer.put("sub", user.getUsername());
    putIfPresent(answer, "uid", user.getUid());
    putIfPresent(answer, "groups", user.getGroups());
    putIfPresent(answer, "extra", user.getExtra());
    if (!found.isEmpty()) {
      answer.put("aud", found);
    }
    String name = user.getUsername() == null ? "" : user.getUsername();
    if (name.startsWith(SERVICE_ACCOUNT_PREFIX)) {
      String[] parts = name.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", 2);
      if (parts.length == 2) {
        answer.put("namespace", parts[0]);
        answer.put("serviceAccount", parts[1]);
      }
    }
    return answer;
  }

  private static void putIfPresent(Map<String, Object> answer, String name, Object value) {
    if (value != null) {
      answer.put(name, value);
    }
  }
}
