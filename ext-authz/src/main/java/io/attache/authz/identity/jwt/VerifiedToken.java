package io.attache.authz.identity.jwt;

import io.attache.authz.core.Identity;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What verifying one token established for good: which key its signature verified with, its
 * lifetime, and what the checks that depend on nothing but the token and the settings (issuer,
 * audience, required claims, principal) made of it, as an identity or the refusal. Only a token
 * whose signature verified gets one. Immutable, so one instance serves every request that presents
 * the same token; what changes with time (the lifetime, whether the key is still trusted) is not
 * decided here.
 */
final class VerifiedToken {
  private final VerificationKey key;
  private final Optional<String> kid;
  private final SignatureAlgorithm algorithm;
  private final Optional<Instant> expiresAt;
  private final Optional<Instant> notBefore;
  private final Identity identity;
  private final Exception refusal;

  private VerifiedToken(
      VerificationKey key,
      Optional<String> kid,
      SignatureAlgorithm algorithm,
      Optional<Instant> expiresAt,
      Optional<Instant> notBefore,
      Identity identity,
      Exception refusal) {
    this.key = Objects.requireNonNull(key, "key");
    this.kid = Objects.requireNonNull(kid, "kid");
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
    this.notBefore = Objects.requireNonNull(notBefore, "notBefore");
    this.identity = identity;
    this.refusal = refusal;
  }

  /** A token whose claims name {@code identity}. */
  static VerifiedToken accepted(
      VerificationKey key,
      Optional<String> kid,
      SignatureAlgorithm algorithm,
      Optional<Instant> expiresAt,
      Optional<Instant> notBefore,
      Identity identity) {
    return new VerifiedToken(
        key, kid, algorithm, expiresAt, notBefore, Objects.requireNonNull(identity), null);
  }

  /**
   * A token whose claims fail a check that does not depend on time ({@link Rejection}), or made the
   * JOSE library fail ({@link RuntimeException}); {@code refusal} is rethrown as is by {@link
   * #identity}, for every request that presents the token.
   */
  static VerifiedToken refused(
      VerificationKey key,
      Optional<String> kid,
      SignatureAlgorithm algorithm,
      Optional<Instant> expiresAt,
      Optional<Instant> notBefore,
      Exception refusal) {
    if (!(refusal instanceof Rejection) && !(refusal instanceof RuntimeException)) {
      throw new IllegalArgumentException("not a refusal: " + refusal.getClass().getName());
    }
    return new VerifiedToken(
        key, kid, algorithm, expiresAt, notBefore, null, Objects.requireNonNull(refusal));
  }

  /** The key the signature verified with. */
  VerificationKey key() {
    return key;
  }

  /** The header's {@code kid}, to look the key up again. */
  Optional<String> kid() {
    return kid;
  }

  /** The header's {@code alg}, to look the key up again. */
  SignatureAlgorithm algorithm() {
    return algorithm;
  }

  /** The {@code exp} claim. */
  Optional<Instant> expiresAt() {
    return expiresAt;
  }

  /** The {@code nbf} claim. */
  Optional<Instant> notBefore() {
    return notBefore;
  }

  /**
   * The caller the claims name.
   *
   * @throws Rejection if the issuer, audience, a required claim or the principal claim is not
   *     acceptable
   * @throws RuntimeException the library's failure on these claims
   */
  Identity identity() throws Rejection {
    if (refusal instanceof Rejection rejection) {
      throw rejection;
    }
    if (refusal instanceof RuntimeException failure) {
      throw failure;
    }
    return identity;
  }
}
