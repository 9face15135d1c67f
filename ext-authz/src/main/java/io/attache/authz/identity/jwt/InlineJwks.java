package io.attache.authz.identity.jwt;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keys given in configuration as a JWKS document: fixed for the life of the verifier. */
public final class InlineJwks implements KeySource {
  private static final Logger log = LoggerFactory.getLogger(InlineJwks.class);

  private final KeySet keys;

  /**
   * @throws IllegalArgumentException if {@code jwksJson} is not a JWKS document or holds no usable
   *     key
   */
  public InlineJwks(String jwksJson) {
    this.keys = KeySet.parse(jwksJson);
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(
          "the JWKS holds no usable signature key"
              + (keys.skipped().isEmpty() ? "" : ": ")
              + String.join("; ", keys.skipped()));
    }
    keys.skipped().forEach(why -> log.warn("inline JWKS: key passed over, {}", why));
  }

  public KeySet keys() {
    return keys;
  }

  @Override
  public Lookup lookup(Optional<String> kid, SignatureAlgorithm algorithm) {
    return keys.lookup(kid, algorithm);
  }
}
