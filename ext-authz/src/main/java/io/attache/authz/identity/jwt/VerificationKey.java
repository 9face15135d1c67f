package io.attache.authz.identity.jwt;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import java.util.Objects;
import java.util.Optional;

/**
 * One public key from a JWKS with its verifier built once, so verifying a token does no key
 * decoding.
 *
 * @param jwk the public part only
 * @param algorithm the key's {@code alg}, if it names one
 * @param verifier thread-safe, shared by every request
 */
public record VerificationKey(
    JWK jwk, Optional<SignatureAlgorithm> algorithm, JWSVerifier verifier) {

  public VerificationKey {
    Objects.requireNonNull(jwk, "jwk");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(verifier, "verifier");
  }

  public Optional<String> kid() {
    return Optional.ofNullable(jwk.getKeyID());
  }

  /** Whether this key may verify a token signed with {@code alg}. */
  public boolean fits(SignatureAlgorithm alg) {
    if (algorithm.isPresent() && algorithm.get() != alg) {
      return false;
    }
    if (!jwk.getKeyType().equals(alg.keyType())) {
      return false;
    }
    return alg.curve().map(curve -> curve.equals(curve(jwk))).orElse(true);
  }

  private static Curve curve(JWK jwk) {
    return KeyType.OKP.equals(jwk.getKeyType())
        ? jwk.toOctetKeyPair().getCurve()
        : jwk.toECKey().getCurve();
  }
}
