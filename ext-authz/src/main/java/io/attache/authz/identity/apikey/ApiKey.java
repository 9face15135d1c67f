package io.attache.authz.identity.apikey;

import java.util.Map;
import java.util.Objects;

/**
 * A known API key, held only as its SHA-256 digest.
 *
 * @param sha256 the key's digest
 * @param principal who presents it
 * @param metadata what rules and response templates may use (tier, team, ...)
 */
public record ApiKey(byte[] sha256, String principal, Map<String, String> metadata) {
  public ApiKey {
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(principal, "principal");
    metadata = Map.copyOf(metadata);
  }
}
