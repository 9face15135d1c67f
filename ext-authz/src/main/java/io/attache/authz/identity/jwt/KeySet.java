package io.attache.authz.identity.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The usable keys of one JWKS document, immutable. A key is usable if it is an RSA (at least
 * {@value #MIN_RSA_BITS} bits), EC (P-256, P-384, P-521) or OKP (Ed25519) key meant for signatures:
 * symmetric ({@code oct}) keys are never used, whatever the document holds, and private parts are
 * dropped. Keys that are passed over are listed in {@link #skipped} so the loader can log why.
 *
 * <p>A token's {@code kid} selects the keys with that kid, and also the keys that carry none, as
 * Envoy's jwt_authn does (google/jwt_verify_lib {@code verifyJwt} skips a JWK only when both it and
 * the JWT name a kid and the two differ). A key without a kid is still only trusted for a signature
 * it verifies.
 *
 * <p>Every {@link #lookup} that finds keys is worked out when the set is built, per algorithm and
 * kid (the kids of the keys, and none): a lookup runs on every request, for remembered tokens too.
 * Any other kid finds the keys without a kid, worked out once per algorithm, so what a token names
 * never grows this.
 */
public final class KeySet {
  static final int MIN_RSA_BITS = 2048;
  private static final KeySource.Lookup UNKNOWN = new KeySource.Lookup.Unknown();

  private final List<VerificationKey> keys;
  private final List<String> skipped;
  private final Map<SignatureAlgorithm, Map<Optional<String>, KeySource.Lookup>> found;
  private final Map<SignatureAlgorithm, KeySource.Lookup> otherKid;
  private final Set<Optional<String>> knownKids;

  private KeySet(List<VerificationKey> keys, List<String> skipped) {
    this.keys = List.copyOf(keys);
    this.skipped = List.copyOf(skipped);
    Map<SignatureAlgorithm, Map<Optional<String>, KeySource.Lookup>> byAlgorithm =
        new EnumMap<>(SignatureAlgorithm.class);
    Map<SignatureAlgorithm, KeySource.Lookup> withoutKid = new EnumMap<>(SignatureAlgorithm.class);
    Set<Optional<String>> kids = new HashSet<>();
    kids.add(Optional.empty());
    this.keys.forEach(key -> kids.add(key.kid()));
    this.knownKids = Set.copyOf(kids);
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      Map<Optional<String>, KeySource.Lookup> byKid = new HashMap<>();
      for (Optional<String> kid : knownKids) {
        List<VerificationKey> fitting = select(kid, algorithm);
        if (!fitting.isEmpty()) {
          byKid.put(kid, new KeySource.Lookup.Found(fitting));
        }
      }
      byAlgorithm.put(algorithm, Collections.unmodifiableMap(byKid));
      List<VerificationKey> kidless =
          this.keys.stream().filter(k -> k.kid().isEmpty() && k.fits(algorithm)).toList();
      withoutKid.put(algorithm, kidless.isEmpty() ? UNKNOWN : new KeySource.Lookup.Found(kidless));
    }
    this.found = Collections.unmodifiableMap(byAlgorithm);
    this.otherKid = Collections.unmodifiableMap(withoutKid);
  }

  /**
   * Parses a JWKS document ({@code {"keys": [...]}}).
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static KeySet parse(String jwksJson) {
    JWKSet set;
    try {
      set = JWKSet.parse(jwksJson);
    } catch (ParseException e) {
      throw new IllegalArgumentException("not a JWKS document: " + e.getMessage(), e);
    }
    List<VerificationKey> keys = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (JWK jwk : set.getKeys()) {
      String name = jwk.getKeyID() == null ? "a key without kid" : "kid " + jwk.getKeyID();
      try {
        keys.add(usable(jwk));
      } catch (UnusableKey e) {
        skipped.add(name + ": " + e.getMessage());
      }
    }
    return new KeySet(keys, skipped);
  }

  public List<VerificationKey> keys() {
    return keys;
  }

  /** One line per key that was passed over, saying why. */
  public List<String> skipped() {
    return skipped;
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** The keys that fit the algorithm and, if the token names one, have its kid or none at all. */
  public List<VerificationKey> select(Optional<String> kid, SignatureAlgorithm algorithm) {
    List<VerificationKey> found = new ArrayList<>(1);
    for (VerificationKey key : keys) {
      if ((kid.isEmpty() || key.kid().isEmpty() || kid.equals(key.kid())) && key.fits(algorithm)) {
        found.add(key);
      }
    }
    return found;
  }

  /**
   * Whether a token naming {@code kid} names a key of this set (or none): a kid no key carries may
   * be a rotated-in key, even when the keys without a kid are tried for it.
   */
  boolean knowsKid(Optional<String> kid) {
    return knownKids.contains(kid);
  }

  /** {@link KeySource.Lookup} over this set. */
  KeySource.Lookup lookup(Optional<String> kid, SignatureAlgorithm algorithm) {
    KeySource.Lookup known = found.get(algorithm).get(kid);
    return known != null ? known : otherKid.get(algorithm);
  }

  private static VerificationKey usable(JWK jwk) throws UnusableKey {
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      throw new UnusableKey("use is " + jwk.getKeyUse().identifier() + ", not sig");
    }
    if (jwk.getKeyOperations() != null && !jwk.getKeyOperations().contains(KeyOperation.VERIFY)) {
      throw new UnusableKey("key_ops does not include verify");
    }
    Optional<SignatureAlgorithm> algorithm = Optional.empty();
    if (jwk.getAlgorithm() != null) {
      algorithm = SignatureAlgorithm.named(jwk.getAlgorithm().getName());
      if (algorithm.isEmpty()) {
        throw new UnusableKey("alg " + jwk.getAlgorithm().getName() + " is not supported");
      }
    }
    JWK publicJwk = jwk.toPublicJWK();
    if (publicJwk == null) {
      throw new UnusableKey("kty " + jwk.getKeyType() + " has no public part");
    }
    VerificationKey key = new VerificationKey(publicJwk, algorithm, verifier(publicJwk));
    if (algorithm.isPresent() && !key.fits(algorithm.get())) {
      throw new UnusableKey("alg " + algorithm.get() + " does not fit the key type or curve");
    }
    return key;
  }

  private static JWSVerifier verifier(JWK jwk) throws UnusableKey {
    try {
      if (KeyType.RSA.equals(jwk.getKeyType())) {
        RSAKey rsa = jwk.toRSAKey();
        if (rsa.size() < MIN_RSA_BITS) {
          throw new UnusableKey("RSA key of " + rsa.size() + " bits, need " + MIN_RSA_BITS);
        }
        return new RSASSAVerifier(rsa.toRSAPublicKey());
      }
      if (KeyType.EC.equals(jwk.getKeyType())) {
        ECKey ec = jwk.toECKey();
        boolean supportedCurve =
            Arrays.stream(SignatureAlgorithm.values())
                .flatMap(alg -> alg.curve().stream())
                .anyMatch(ec.getCurve()::equals);
        if (!supportedCurve) {
          throw new UnusableKey("EC curve " + ec.getCurve() + " is not supported");
        }
        return new ECDSAVerifier(ec.toECPublicKey());
      }
      if (KeyType.OKP.equals(jwk.getKeyType())) {
        OctetKeyPair okp = jwk.toOctetKeyPair();
        if (!Curve.Ed25519.equals(okp.getCurve())) {
          throw new UnusableKey("OKP curve " + okp.getCurve() + " is not supported");
        }
        return new JdkEd25519Verifier(okp);
      }
    } catch (JOSEException e) {
      throw new UnusableKey("invalid key material: " + e.getMessage());
    }
    throw new UnusableKey("kty " + jwk.getKeyType() + " is not used for signatures here");
  }

  private static final class UnusableKey extends Exception {
    UnusableKey(String message) {
      super(message, null, false, false);
    }
  }
}
