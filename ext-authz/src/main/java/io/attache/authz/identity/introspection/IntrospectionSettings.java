package io.attache.authz.identity.introspection;

import io.attache.authz.identity.CredentialSource;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How one policy introspects tokens (RFC 7662).
 *
 * @param endpoint the introspection endpoint
 * @param clientId the client the endpoint authenticates, with HTTP Basic ({@code
 *     client_secret_basic}, RFC 6749 section 2.3.1)
 * @param clientSecret read on every call, so a rotated Secret is used at once
 * @param from where the token is carried
 * @param remember the longest an active answer is kept; never past the token's {@code exp}
 * @param timeout for one call, connecting included
 * @param principalClaim the member naming the caller; {@code client_id} when it is absent
 */
public record IntrospectionSettings(
    URI endpoint,
    String clientId,
    Supplier<String> clientSecret,
    CredentialSource from,
    Duration remember,
    Duration timeout,
    String principalClaim) {
  public static final Duration DEFAULT_REMEMBER = Duration.ofSeconds(60);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  public IntrospectionSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    Objects.requireNonNull(from, "from");
    if (remember.isNegative() || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("remember and timeout must be positive");
    }
    Objects.requireNonNull(principalClaim, "principalClaim");
  }
}
