package io.attache.authz.app;

import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.identity.introspection.IntrospectionCounters;
import io.attache.authz.identity.introspection.IntrospectionSettings;
import io.attache.authz.identity.introspection.IntrospectionVerifier;
import io.attache.authz.policy.PolicyDurations;
import io.attache.authz.policy.PolicyParser;
import io.attache.crds.v1alpha1.AuthPolicySpec;
import io.attache.runtime.DaemonThreads;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Builds {@code serviceAccount} identity methods: Kubernetes service-account tokens reviewed by the
 * API server (TokenReview), on a small pool of its own (the Kubernetes client blocks), counted with
 * introspection in {@code attache_authz_introspection_total}.
 */
final class ServiceAccountMethods
    implements PolicyParser.MethodFactory<AuthPolicySpec.ServiceAccount>, AutoCloseable {
  private static final int REVIEW_THREADS = 4;
  private static final int QUEUED_REVIEWS = 1_024;

  private final KubernetesClient client;
  private final IntrospectionCounters counters;
  private final ThreadPoolExecutor reviews;

  /**
   * @param client the API server to ask; null when ext-authz runs without Kubernetes
   */
  ServiceAccountMethods(KubernetesClient client, IntrospectionCounters counters) {
    this.client = client;
    this.counters = counters;
    this.reviews =
        new ThreadPoolExecutor(
            REVIEW_THREADS,
            REVIEW_THREADS,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED_REVIEWS),
            DaemonThreads.named("attache-token-reviews"));
  }

  @Override
  public IdentityVerifier create(
      AuthPolicySpec.ServiceAccount spec, String namespace, String path, List<String> problems) {
    if (client == null) {
      problems.add(path + ": needs Kubernetes (ATTACHE_POLICY_SOURCE=kubernetes)");
      return null;
    }
    int before = problems.size();
    Duration remember =
        PolicyDurations.orDefault(
            spec.remember(), "remember", IntrospectionSettings.DEFAULT_REMEMBER, path, problems);
    Duration timeout =
        PolicyDurations.orDefault(
            spec.timeout(), "timeout", IntrospectionSettings.DEFAULT_TIMEOUT, path, problems);
    if (problems.size() > before) {
      return null;
    }
    List<String> audiences = spec.audiences() == null ? List.of() : spec.audiences();
    return new IntrospectionVerifier(
        new IntrospectionSettings(
            "service_account",
            PolicyParser.credentialSource(spec.from(), "authorization", "Bearer "),
            remember,
            "sub"),
        new TokenReviewClient(client, audiences, reviews, timeout),
        Clock.systemUTC(),
        counters);
  }

  @Override
  public void close() {
    reviews.shutdownNow();
  }
}
