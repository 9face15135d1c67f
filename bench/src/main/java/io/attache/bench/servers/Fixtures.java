package io.attache.bench.servers;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.attache.authz.identity.oidc.OidcSettings;
import io.attache.authz.identity.oidc.SessionCookie;
import io.attache.authz.identity.oidc.SessionSealer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
  public static final String OPAQUE_TOKEN = "bench-opaque-token-1";
  public static final String SESSION_COOKIE = "attache_session";

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
    write(dir, keys, "http://127.0.0.1:1/introspect");
  }

  /**
   * As above, with {@code introspection} the endpoint the opaque-token policy asks (the runner's
   * {@link IntrospectionEndpoint}).
   */
  public static void write(Path dir, KeyPair keys, String introspection) {
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
        ---
        kind: AuthPolicy
        metadata: {name: sessions}
        spec:
          match: {paths: [{prefix: /session}]}
          identity:
            - oidc:
                issuerUrl: %s
                clientId: bench
                clientSecretFile: %s
                sessionKeysFile: %s
          response: {headers: {x-user-id: "{identity.principal}"}}
        ---
        kind: AuthPolicy
        metadata: {name: opaque}
        spec:
          match: {paths: [{prefix: /opaque}]}
          identity:
            - introspection:
                url: %s
                clientId: bench
                clientSecretFile: %s
                allowHttp: true   # the runner's endpoint, on loopback
          response: {headers: {x-user-id: "{identity.principal}"}}
        """
            .formatted(
                ISSUER,
                AUDIENCE,
                quoteJson(jwks),
                API_KEY,
                API_KEY,
                ISSUER,
                dir.resolve("client-secret"),
                dir.resolve("session-keys"),
                introspection,
                dir.resolve("client-secret"));
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
    String buckets =
        """
        domain: bench-tb
        descriptors:
          - key: user
            rate_limit: {unit: second, requests_per_unit: 1000000000, algorithm: token_bucket}
            descriptors:
              - key: path
                rate_limit: {unit: minute, requests_per_unit: 1000000000, algorithm: token_bucket}
        """;
    String sliding =
        buckets.replace("bench-tb", "bench-sw").replace("token_bucket", "sliding_window");
    try {
      Files.writeString(dir.resolve("client-secret"), "bench-secret");
      Files.writeString(
          dir.resolve("session-keys"), Base64.getEncoder().encodeToString(sessionKey(keys)));
      Files.createDirectories(dir.resolve("policies"));
      Files.writeString(dir.resolve("policies/bench.yaml"), policies);
      Files.createDirectories(dir.resolve("ratelimit/config"));
      Files.writeString(dir.resolve("ratelimit/config/bench.yaml"), limits);
      Files.writeString(dir.resolve("ratelimit/config/bench-tb.yaml"), buckets);
      Files.writeString(dir.resolve("ratelimit/config/bench-sw.yaml"), sliding);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The key sealing session cookies, derived from the run's key pair, so the runner that mints a
   * cookie and the server that opens it agree without passing a secret around.
   */
  static byte[] sessionKey(KeyPair keys) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(keys.getPublic().getEncoded());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A browser's session cookie, as a login sets it: user alice, good for a day. */
  public static String sessionCookie(KeyPair keys) {
    SessionCookie session =
        new SessionCookie(
            Map.of("sub", "alice", "iss", ISSUER),
            Instant.now().plus(Duration.ofDays(1)),
            Optional.empty());
    return SESSION_COOKIE
        + "="
        + session.seal(
            new SessionSealer(List.of(sessionKey(keys))),
            OidcSettings.binding(SESSION_COOKIE, ISSUER, "bench"));
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
