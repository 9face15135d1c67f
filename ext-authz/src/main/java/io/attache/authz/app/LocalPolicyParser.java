package io.attache.authz.app;

import io.attache.authz.policy.PolicyParser;
import io.attache.authz.rules.CelConditions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;

/**
 * A policy parser for policies read from files alone, as the command-line tools read them: every
 * identity method, with credentials from files ({@code keysFile}, {@code htpasswdFile}, {@code
 * clientSecretFile}, {@code sessionKeysFile}); what needs Kubernetes (a Secret reference, a
 * TokenReview) is an error naming the field, since there is no cluster here.
 */
public final class LocalPolicyParser implements AutoCloseable {
  private final CredentialFiles files = new CredentialFiles(Duration.ofSeconds(1));
  private final SecretValues secrets = new SecretValues(files, null, Optional.empty());
  private final BasicAuthMethods basicAuth;
  private final ServiceAccountMethods serviceAccounts;
  private final OidcMethods oidc;
  private final PolicyParser parser;

  /**
   * @param jwt builds JWT methods: {@link JwtPolicyFactory#offline()} to check without fetching any
   *     key
   */
  public LocalPolicyParser(JwtPolicyFactory jwt) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    IntrospectionMethods introspection =
        new IntrospectionMethods(secrets, new SimpleMeterRegistry());
    this.basicAuth = new BasicAuthMethods(files, null, Optional.empty(), secret);
    this.serviceAccounts = new ServiceAccountMethods(null, introspection.counters());
    this.oidc = new OidcMethods(secrets, jwt);
    this.parser =
        new PolicyParser(
            jwt,
            new CelConditions(),
            files,
            PolicyParser.SecretKeys.NONE,
            new PolicyParser.Methods(basicAuth, introspection, serviceAccounts, oidc),
            secret);
  }

  public PolicyParser parser() {
    return parser;
  }

  @Override
  public void close() {
    oidc.close();
    serviceAccounts.close();
    basicAuth.close();
    secrets.close();
    files.close();
  }
}
