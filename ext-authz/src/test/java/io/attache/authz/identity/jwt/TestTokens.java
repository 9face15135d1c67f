package io.attache.authz.identity.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.attache.authz.core.CheckInput;
import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.PeerAttributes;
import io.attache.testsupport.keys.TestKeyPairs;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;
import java.util.Optional;

/** Mints test tokens, well-formed and hostile, with the key pairs of test-support. */
final class TestTokens {
  static final String ISSUER = "https://idp.example.com/";
  static final String AUDIENCE = "orders-api";
  static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String RSA_KID = "rsa-1";
  static final String EC_KID = "ec-1";

  private TestTokens() {}

  static RSAKey rsaJwk(String kid, KeyPair pair) {
    return new RSAKey.Builder((RSAPublicKey) pair.getPublic())
        .privateKey(pair.getPrivate())
        .keyID(kid)
        .keyUse(KeyUse.SIGNATURE)
        .build();
  }

  static ECKey ecJwk(String kid, KeyPair pair) {
    return new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic())
        .privateKey((ECPrivateKey) pair.getPrivate())
        .keyID(kid)
        .build();
  }

  static RSAKey rsa() {
    return rsaJwk(RSA_KID, TestKeyPairs.rsa());
  }

  static ECKey ec() {
    return ecJwk(EC_KID, TestKeyPairs.ecP256());
  }

  /** The public JWKS document for these keys, private parts left out. */
  static String jwks(JWK... keys) {
    return new JWKSet(Arrays.asList(keys)).toString();
  }

  /** Claims that pass every default check at {@link #NOW}. */
  static JWTClaimsSet.Builder validClaims() {
    return new JWTClaimsSet.Builder()
        .subject("alice")
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .issueTime(Date.from(NOW.minusSeconds(10)))
        .expirationTime(Date.from(NOW.plusSeconds(300)));
  }

  static String rs256(JWTClaimsSet claims) {
    return sign(JWSAlgorithm.RS256, rsa(), claims);
  }

  static String es256(JWTClaimsSet claims) {
    return sign(JWSAlgorithm.ES256, ec(), claims);
  }

  static String sign(JWSAlgorithm alg, JWK key, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims);
    try {
      jwt.sign(signer(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /**
   * Signs exactly these header and payload texts, byte for byte, which no JOSE builder would emit
   * (duplicate names, broken JSON).
   */
  static String signRaw(JWSAlgorithm alg, JWSSigner signer, String headerJson, String payloadJson) {
    String input = encode(headerJson) + "." + encode(payloadJson);
    try {
      Base64URL signature =
          signer.sign(new JWSHeader(alg), input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + signature;
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@link #signRaw} with the RS256 key, under a header naming it. */
  static String rs256Raw(String payloadJson) {
    return signRaw(
        JWSAlgorithm.RS256,
        signer(rsa()),
        "{\"alg\":\"RS256\",\"kid\":\"" + RSA_KID + "\"}",
        payloadJson);
  }

  static String validPayloadJson() {
    return validClaims().build().toString();
  }

  static String encode(String json) {
    return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
  }

  static JWSSigner signer(JWK key) {
    try {
      return key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static CheckInput bearer(String token) {
    return request(Map.of("authorization", "Bearer " + token), "");
  }

  static CheckInput request(Map<String, String> headers, String query) {
    return new CheckInput(
        new HttpAttributes(
            "GET", "api.example.com", "/orders", query, headers, "https", Optional.empty()),
        new PeerAttributes("10.0.0.7:41234", Optional.empty()),
        Map.of());
  }
}
