package io.attache.authz.app;

import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.identity.introspection.HttpIntrospectionClient;
import io.attache.authz.identity.introspection.IntrospectionCounters;
import io.attache.authz.identity.introspection.IntrospectionSettings;
import io.attache.authz.identity.introspection.IntrospectionVerifier;
import io.attache.authz.policy.PolicyParser;
import io.attache.crds.v1alpha1.AuthPolicySpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Builds {@code introspection} identity methods (RFC 7662): one HTTP client for all of them, the
 * client secret read from a file or a Secret on every call (so rotation needs no reload), and the
 * outcomes of every policy's calls counted together in {@code
 * attache_authz_introspection_total{outcome}}.
 */
final class IntrospectionMethods
    implements PolicyParser.MethodFactory<AuthPolicySpec.Introspection>, AutoCloseable {
  static final String DEFAULT_SECRET_KEY = "client_secret";

  private final CredentialFiles files;
  private final WatchedSecrets<Map<String, String>> secrets;
  private final IntrospectionCounters counters = new IntrospectionCounters();

  /** What every introspecting method counts into, TokenReviews included. */
  IntrospectionCounters counters() {
    return counters;
  }

  private final HttpClient http;

  /**
   * @param client for {@code clientSecretRef}; null when policies come from files only
   */
  IntrospectionMethods(
      CredentialFiles files,
      KubernetesClient client,
      Optional<String> namespace,
      MeterRegistry registry) {
    this.files = files;
    this.secrets =
        client == null
            ? null
            : new WatchedSecrets<>(client, namespace, IntrospectionMethods::firstSecretData);
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
    URI endpoint = endpoint(spec, path, problems);
    Duration remember =
        PolicyDurations.orDefault(
            spec.remember(), "remember", IntrospectionSettings.DEFAULT_REMEMBER, path, problems);
    Duration timeout =
        PolicyDurations.orDefault(
            spec.timeout(), "timeout", IntrospectionSettings.DEFAULT_TIMEOUT, path, problems);
    Supplier<String> secret = clientSecret(spec, namespace, path, problems);
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

  private static URI endpoint(
      AuthPolicySpec.Introspection spec, String path, List<String> problems) {
    try {
      URI uri = new URI(spec.url());
      boolean https = "https".equals(uri.getScheme());
      boolean http = "http".equals(uri.getScheme());
      if (uri.getHost() == null || !(https || http)) {
        problems.add(path + ".url: not an http(s) URL");
        return null;
      }
      if (http && !Boolean.TRUE.equals(spec.allowHttp())) {
        problems.add(
            path
                + ".url: is http://: tokens and the client secret would cross the network in the"
                + " clear; use https, or set allowHttp: true for a network you trust");
        return null;
      }
      return uri;
    } catch (URISyntaxException e) {
      problems.add(path + ".url: not a URL: " + e.getReason());
      return null;
    }
  }

  private Supplier<String> clientSecret(
      AuthPolicySpec.Introspection spec, String namespace, String path, List<String> problems) {
    if (spec.clientSecretFile() != null) {
      List<String> found = new ArrayList<>();
      Supplier<String> secret = files.text(spec.clientSecretFile(), found);
      found.forEach(p -> problems.add(path + ".clientSecretFile: " + p));
      return secret;
    }
    AuthPolicySpec.SecretKeyRef ref = spec.clientSecretRef();
    if (ref == null || ref.name() == null) {
      return null;
    }
    if (secrets == null) {
      problems.add(path + ".clientSecretRef: needs Kubernetes (ATTACHE_POLICY_SOURCE=kubernetes)");
      return null;
    }
    String key = ref.key() == null ? DEFAULT_SECRET_KEY : ref.key();
    String where = (namespace.isEmpty() ? "default" : namespace) + "/" + ref.name();
    Supplier<Map<String, String>> data =
        secrets.named(namespace.isEmpty() ? "default" : namespace, ref.name());
    return () -> {
      String value = data.get().get(key);
      if (value == null) {
        throw new IllegalStateException("Secret " + where + " has no key " + key);
      }
      return value;
    };
  }

  /** The decoded data of the first Secret listed: a name chooses one or none. */
  private static Map<String, String> firstSecretData(List<Secret> secrets) {
    if (secrets.isEmpty() || secrets.get(0).getData() == null) {
      return Map.of();
    }
    Map<String, String> data = new java.util.LinkedHashMap<>();
    secrets
        .get(0)
        .getData()
        .forEach(
            (name, value) ->
                data.put(
                    name,
                    new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8).strip()));
    return Map.copyOf(data);
  }

  @Override
  public void close() {
    if (secrets != null) {
      secrets.close();
    }
  }
}
