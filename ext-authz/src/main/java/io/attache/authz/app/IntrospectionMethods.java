package io.attache.authz.app;

import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.identity.introspection.HttpIntrospectionClient;
import io.attache.authz.identity.introspection.IntrospectionCounters;
import io.attache.authz.identity.introspection.IntrospectionSettings;
import io.attache.authz.identity.introspection.IntrospectionVerifier;
import io.attache.authz.policy.PolicyDurations;
import io.attache.authz.policy.PolicyParser;
import io.attache.crds.v1alpha1.AuthPolicySpec;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Builds {@code introspection} identity methods (RFC 7662): one HTTP client for all of them, the
 * client secret read from a file or a Secret on every call (so rotation needs no reload), and the
 * outcomes of every policy's calls counted together in {@code
 * attache_authz_introspection_total{outcome}}.
 */
final class IntrospectionMethods
    implements PolicyParser.MethodFactory<AuthPolicySpec.Introspection> {
  static final String DEFAULT_SECRET_KEY = "client_secret";

  private final SecretValues secrets;
  private final IntrospectionCounters counters = new IntrospectionCounters();

  /** What every introspecting method counts into, TokenReviews included. */
  IntrospectionCounters counters() {
    return counters;
  }

  private final HttpClient http;

  /**
   * @param secrets where client secrets are read
   */
  IntrospectionMethods(SecretValues secrets, MeterRegistry registry) {
    this.secrets = secrets;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(IntrospectionSettings.DEFAULT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    counter(registry, "active", IntrospectionCounters::active);
    counter(registry, "inactive", IntrospectionCounters::inactive);
    counter(registry, "failed", IntrospectionCounters::failed);
    counter(registry, "refused_while_failing", IntrospectionCounters::refusedWhileFailing);
    counter(registry, "remembered", IntrospectionCounters::remembered);
  }

  private void counter(
      MeterRegistry registry, String outcome, ToDoubleFunction<IntrospectionCounters> count) {
    FunctionCounter.builder("attache.authz.introspection", counters, count)
        .description("token introspection: calls by answer, and checks answered without a call")
        .tag("outcome", outcome)
        .register(registry);
  }

  @Override
  public IdentityVerifier create(
      AuthPolicySpec.Introspection spec, String namespace, String path, List<String> problems) {
    int before = problems.size();
    URI endpoint = SecretValues.endpoint(spec.url(), spec.allowHttp(), path, "url", problems);
    Duration remember =
        PolicyDurations.orDefault(
            spec.remember(), "remember", IntrospectionSettings.DEFAULT_REMEMBER, path, problems);
    Duration timeout =
        PolicyDurations.orDefault(
            spec.timeout(), "timeout", IntrospectionSettings.DEFAULT_TIMEOUT, path, problems);
    Supplier<String> secret =
        secrets.value(
            spec.clientSecretRef(),
            spec.clientSecretFile(),
            DEFAULT_SECRET_KEY,
            namespace,
            path,
            "clientSecretRef",
            "clientSecretFile",
            problems);
    if (problems.size() > before || endpoint == null || secret == null) {
      return null;
    }
    IntrospectionSettings settings =
        new IntrospectionSettings(
            "introspection",
            PolicyParser.credentialSource(spec.from(), "authorization", "Bearer "),
            remember,
            spec.principalClaim() == null ? "sub" : spec.principalClaim());
    HttpIntrospectionClient endpointClient =
        new HttpIntrospectionClient(http, endpoint, spec.clientId(), secret, timeout);
    return new IntrospectionVerifier(settings, endpointClient, Clock.systemUTC(), counters);
  }
}
