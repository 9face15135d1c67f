package io.attache.authz.identity.introspection;

import io.attache.authz.identity.CredentialSource;
import java.time.Duration;
import java.util.Objects;

/**
 * How one policy has its tokens introspected: by an OAuth 2.0 endpoint (RFC 7662) or by the
 * Kubernetes API server's TokenReview, both answering in RFC 7662's terms.
 *
 * @param method the identity's {@code method}: {@code introspection} or {@code service_account}
 * @param from where the token is carried
 * @param remember the longest an active answer is kept; never past the token's {@code exp}
 * @param principalClaim the member naming the caller; {@code client_id} when it is absent
 */
public record IntrospectionSettings(
    String method, CredentialSource from, Duration remember, String principalClaim) {
  public static final Duration DEFAULT_REMEMBER = Duration.ofSeconds(60);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  public IntrospectionSettings {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(from, "from");
    if (remember.isNegative()) {
      throw new IllegalArgumentException("remember must not be negative");
    }
    Objects.requireNonNull(principalClaim, "principalClaim");
  }
}
