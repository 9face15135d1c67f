package io.attache.bench.servers;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Date;

/**
 * What the real services are configured with in a benchmark: AuthPolicies for JWT (RS256, inline
 * JWKS: cached keys, no fetch on the path), API keys and a CEL rule, and a rate-limit config whose
 * limits are never reached (an OVER_LIMIT answer costs the same, but a benchmark of refusals would
 * measure something else). Written to a directory both processes can read.
 */
public final class Fixtures {
  public static final String ISSUER = "https://idp.bench";
  public static final String AUDIENCE = "bench";
  public static final String API_KEY = "bench-key-1";

  private Fixtures() {}

  /** An RSA key pair; the public half goes in the policy, the private half signs the token. */
  public static KeyPair rsaKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes the policies into {@code dir/policies} and the rate-limit config into {@code
   * dir/ratelimit/config}.
   */
  public static void write(Path dir, KeyPair keys) {
    String jwks =
        new JWKSet(new RSAKey.Builder((RSAPublicKey) keys.getPublic()).keyID("bench").build())
            .toString(true);
    String policies =
        """
        kind: AuthPolicy
        metadata: {name: tokens}
        spec:
          match: {paths: [{prefix: /jwt}]}
          identity:
            - jwt:
                issuers: [%s]
                audiences: [%s]
                algorithms: [RS256]
                jwks: %s
          response: {headers: {x-user-id: "{identity.principal}"}}
        ---
        kind: AuthPolicy
        metadata: {name: keys}
        spec:
          match: {paths: [{prefix: /key}]}
          identity: [{apiKey: {from: {header: x-api-key}, keys: [{key: %s, principal: svc, metadata: {tier: gold}}]}}]
          response: {headers: {x-user-id: "{identity.principal}"}}
        ---
        kind: AuthPolicy
        metadata: {name: rules}
        spec:
          match: {paths: [{prefix: /cel}]}
          identity: [{apiKey: {from: {header: x-api-key}, keys: [{key: %s, principal: svc, metadata: {tier: gold}}]}}]
          rules:
            - {name: gold-reads, when: "identity.metadata.tier == 'gold' && request.method == 'GET'"}
        """
            .formatted(ISSUER, AUDIENCE, quoteJson(jwks), API_KEY, API_KEY);
    String limits =
        """
        domain: bench
        descriptors:
          - key: user
            rate_limit: {unit: second, requests_per_unit: 1000000000}
            descriptors:
              - key: path
                rate_limit: {unit: minute, requests_per_unit: 1000000000}
        """;
    try {
      Files.createDirectories(dir.resolve("policies"));
      Files.writeString(dir.resolve("policies/bench.yaml"), policies);
      Files.createDirectories(dir.resolve("ratelimit/config"));
      Files.writeString(dir.resolve("ratelimit/config/bench.yaml"), limits);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JWKS as a single-quoted YAML string, as the inline {@code jwks} field takes it. */
  private static String quoteJson(String json) {
    return "'" + json.replace("'", "''") + "'";
  }

  /** A token valid for a day, signed RS256 with the fixture key. */
  public static String token(KeyPair keys) {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bench").build(),
            new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("alice")
                .expirationTime(new Date(System.currentTimeMillis() + 86_400_000))
                .build());
    try {
      jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}
