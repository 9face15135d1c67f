package io.attache.authz.core;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who the caller is, once a credential has been verified.
 *
 * @param principal the stable name of the caller (JWT {@code sub}, the API key's principal, the
 *     certificate's SAN)
 * @param method {@code jwt}, {@code api_key}, {@code mtls} or {@code anonymous}
 * @param claims the verified JWT claims (empty for other methods)
 * @param metadata what the credential is configured with (an API key's tier, team, ...)
 * @param keyFingerprint for API keys, a keyed hash naming the key without revealing it
 */
public record Identity(
    String principal,
    String method,
    Map<String, Object> claims,
    Map<String, String> metadata,
    Optional<String> keyFingerprint) {

  public Identity {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(method, "method");
    claims = Map.copyOf(claims);
    metadata = Map.copyOf(metadata);
    Objects.requireNonNull(keyFingerprint, "keyFingerprint");
  }

  public static Identity anonymous() {
    return new Identity("anonymous", "anonymous", Map.of(), Map.of(), Optional.empty());
  }
}
