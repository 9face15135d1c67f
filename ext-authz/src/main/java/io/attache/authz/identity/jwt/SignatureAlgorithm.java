package io.attache.authz.identity.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyType;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The JWS algorithms a token may be signed with: asymmetric only, so the key that verifies can be
 * published. {@code none} and the HMAC family ({@code HS256} ...) are deliberately not members:
 * with public keys from a JWKS, an HMAC "signature" keyed with the public key bytes is forgeable by
 * anyone, so no configuration can allow them.
 */
public enum SignatureAlgorithm {
  RS256(KeyType.RSA, null),
  RS384(KeyType.RSA, null),
  RS512(KeyType.RSA, null),
  PS256(KeyType.RSA, null),
  PS384(KeyType.RSA, null),
  PS512(KeyType.RSA, null),
  ES256(KeyType.EC, Curve.P_256),
  ES384(KeyType.EC, Curve.P_384),
  ES512(KeyType.EC, Curve.P_521),
  /** RFC 8037; Ed25519 keys only (an Ed448 key is passed over). */
  EdDSA(KeyType.OKP, Curve.Ed25519);

  private final KeyType keyType;
  private final Curve curve;
  private final JWSAlgorithm jws;

  SignatureAlgorithm(KeyType keyType, Curve curve) {
    this.keyType = keyType;
    this.curve = curve;
    this.jws = JWSAlgorithm.parse(name());
  }

  /** The member with this exact JOSE name ({@code alg} values are case-sensitive). */
  public static Optional<SignatureAlgorithm> named(String alg) {
    return Arrays.stream(values()).filter(a -> a.name().equals(alg)).findFirst();
  }

  /**
   * The member named {@code alg}, for configuration; the message says why {@code none} and {@code
   * HS*} are refused rather than only that they are unknown.
   */
  public static SignatureAlgorithm parse(String alg) {
    return named(alg)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    alg.equalsIgnoreCase("none")
                        ? "alg none is never allowed: it means the token is not signed"
                        : alg.toUpperCase(Locale.ROOT).startsWith("HS")
                            ? alg
                                + " is not allowed: keys come from a JWKS, and an HMAC keyed with a"
                                + " public key can be forged by anyone"
                            : "unsupported alg "
                                + alg
                                + ", expected one of "
                                + Arrays.toString(values())));
  }

  /** The kind of key ({@code kty}) that can verify this algorithm. */
  public KeyType keyType() {
    return keyType;
  }

  /** For ECDSA and EdDSA, the only curve this algorithm is used with here. */
  public Optional<Curve> curve() {
    return Optional.ofNullable(curve);
  }

  JWSAlgorithm jws() {
    return jws;
  }
}
