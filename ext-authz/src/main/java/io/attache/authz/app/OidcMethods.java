package io.attache.authz.app;

import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.identity.jwt.JwtVerifier;
import io.attache.authz.identity.oidc.OidcProvider;
import io.attache.authz.identity.oidc.OidcSettings;
import io.attache.authz.identity.oidc.OidcVerifier;
import io.attache.authz.identity.oidc.SessionSealer;
import io.attache.authz.policy.PolicyDurations;
import io.attache.authz.policy.PolicyParser;
import io.attache.crds.v1alpha1.AuthPolicySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Builds {@code oidc} identity methods: one discovery per provider, shared by the policies naming
 * it; ID tokens verified by the JWT method with the provider's keys (issuer the provider, audience
 * the client); the client secret and the session keys read from Secrets or files, so both rotate
 * without a reload.
 */
final class OidcMethods implements PolicyParser.MethodFactory<AuthPolicySpec.Oidc>, AutoCloseable {
  static final String DEFAULT_KEYS_KEY = "session-keys";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private final SecretValues secrets;
  private final JwtPolicyFactory jwt;
  private final HttpClient http;
  private final Map<String, OidcProvider> providers = new ConcurrentHashMap<>();

  OidcMethods(SecretValues secrets, JwtPolicyFactory jwt) {
    this.secrets = secrets;
    this.jwt = jwt;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(DEFAULT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public IdentityVerifier create(
      AuthPolicySpec.Oidc spec, String namespace, String path, List<String> problems) {
    int before = problems.size();
    URI issuer =
        SecretValues.endpoint(spec.issuerUrl(), spec.allowHttp(), path, "issuerUrl", problems);
    Supplier<String> clientSecret =
        secrets.value(
            spec.clientSecretRef(),
            spec.clientSecretFile(),
            IntrospectionMethods.DEFAULT_SECRET_KEY,
            namespace,
            path,
            "clientSecretRef",
            "clientSecretFile",
            problems);
    Supplier<String> keys =
        secrets.value(
            spec.sessionKeysRef(),
            spec.sessionKeysFile(),
            DEFAULT_KEYS_KEY,
            namespace,
            path,
            "sessionKeysRef",
            "sessionKeysFile",
            problems);
    Duration timeout =
        PolicyDurations.orDefault(spec.timeout(), "timeout", DEFAULT_TIMEOUT, path, problems);
    if (problems.size() > before || issuer == null || clientSecret == null || keys == null) {
      return null;
    }
    Supplier<SessionSealer> sealer = sealer(keys, path, problems);
    IdentityVerifier idTokens =
        jwt.create(
            new AuthPolicySpec.Jwt(
                List.of(spec.issuerUrl()),
                List.of(spec.clientId()),
                null,
                spec.issuerUrl(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                true,
                null,
                spec.allowHttp()),
            path,
            problems);
    if (problems.size() > before || sealer == null || !(idTokens instanceof JwtVerifier verifier)) {
      // No verifier without problems: offline validation, which checks but builds nothing.
      return null;
    }
    OidcProvider provider =
        providers.computeIfAbsent(
            spec.issuerUrl() + (Boolean.TRUE.equals(spec.allowHttp()) ? " (http allowed)" : ""),
            key ->
                OidcProvider.discover(
                    spec.issuerUrl(), Boolean.TRUE.equals(spec.allowHttp()), http));
    List<String> scopes = new ArrayList<>(List.of("openid"));
    if (spec.scopes() != null) {
      spec.scopes().stream().filter(s -> !scopes.contains(s)).forEach(scopes::add);
    }
    OidcSettings settings =
        new OidcSettings(
            provider,
            spec.clientId(),
            clientSecret,
            verifier,
            scopes,
            orElse(spec.callbackPath(), "/oauth2/callback"),
            orElse(spec.logoutPath(), "/oauth2/logout"),
            orElse(spec.postLogoutRedirect(), "/"),
            orElse(spec.cookieName(), "attache_session"),
            sealer,
            Optional.ofNullable(spec.apiClientHeader()),
            timeout);
    return new OidcVerifier(settings, http, Clock.systemUTC());
  }

  /**
   * The session keys as a sealer, rebuilt when their text changes; the text's problems are checked
   * now, so a policy whose keys cannot seal is refused at load.
   */
  private static Supplier<SessionSealer> sealer(
      Supplier<String> keys, String path, List<String> problems) {
    AtomicReference<Map.Entry<String, SessionSealer>> built = new AtomicReference<>();
    Supplier<SessionSealer> sealer =
        () -> {
          String text = keys.get();
          Map.Entry<String, SessionSealer> last = built.get();
          if (last != null && last.getKey().equals(text)) {
            return last.getValue();
          }
          SessionSealer fresh = parse(text);
          built.set(Map.entry(text, fresh));
          return fresh;
        };
    try {
      sealer.get();
      return sealer;
    } catch (IllegalStateException e) {
      // A Secret not created yet: the policy stands, and login fails until it is.
      return sealer;
    } catch (IllegalArgumentException e) {
      problems.add(path + ": session keys: " + e.getMessage());
      return null;
    }
  }

  private static SessionSealer parse(String text) {
    List<byte[]> keys = new ArrayList<>();
    for (String line : text.split("\\R")) {
      if (!line.isBlank()) {
        try {
          keys.add(Base64.getDecoder().decode(line.strip()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("a line is not base64", e);
        }
      }
    }
    return new SessionSealer(keys);
  }

  private static String orElse(String value, String fallback) {
    return value == null ? fallback : value;
  }

  @Override
  public void close() {
    providers.values().forEach(OidcProvider::close);
  }
}
