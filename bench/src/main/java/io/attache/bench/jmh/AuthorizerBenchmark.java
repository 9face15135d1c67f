package io.attache.bench.jmh;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.attache.authz.core.CheckInput;
import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.PeerAttributes;
import io.attache.authz.decision.Authorizer;
import io.attache.authz.identity.jwt.InlineJwks;
import io.attache.authz.identity.jwt.JwtSettings;
import io.attache.authz.identity.jwt.JwtVerifier;
import io.attache.authz.policy.AuthPolicy;
import io.attache.authz.policy.PolicyParser;
import io.attache.authz.rules.CelConditions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Authorization decisions from memory: an API key, a CEL rule, an RS256 JWT (signature check with a
 * cached key), against a baseline that only matches the policy and lets anonymous callers through.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AuthorizerBenchmark {
  private Authorizer authorizer;
  private CheckInput anonymous;
  private CheckInput apiKey;
  private CheckInput apiKeyWithRule;
  private CheckInput jwt;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    String jwks =
        new JWKSet(new RSAKey.Builder((RSAPublicKey) keys.getPublic()).keyID("k1").build())
            .toString();
    PolicyParser.JwtFactory jwtFactory =
        (spec, path, problems) ->
            new JwtVerifier(
                JwtSettings.builder().issuers("https://idp").audiences("api").build(),
                new InlineJwks(jwks),
                Clock.systemUTC());
    List<AuthPolicy> policies =
        new PolicyParser(jwtFactory, new CelConditions(), "secret".getBytes())
            .parse(
                "bench.yaml",
                """
                metadata: {name: open}
                spec: {match: {paths: [{prefix: /open}]}, identity: [{anonymous: {}}]}
                ---
                metadata: {name: keys}
                spec:
                  match: {paths: [{prefix: /keys}]}
                  identity: [{apiKey: {keys: [{key: k-1, principal: a, metadata: {tier: gold}}, {key: k-2, principal: b}]}}]
                  response: {headers: {x-user-id: "{identity.principal}"}}
                ---
                metadata: {name: rules}
                spec:
                  match: {paths: [{prefix: /rules}]}
                  identity: [{apiKey: {keys: [{key: k-1, principal: a, metadata: {tier: gold}}]}}]
                  rules: [{name: gold, when: "identity.metadata.tier == 'gold' && request.method == 'GET'"}]
                ---
                metadata: {name: tokens}
                spec:
                  match: {paths: [{prefix: /tokens}]}
                  identity: [{jwt: {issuers: ["https://idp"], audiences: [api], jwks: '%s'}}]
                  response: {headers: {x-user-id: "{identity.principal}"}}
                """
                    .formatted(jwks));
    authorizer = new Authorizer(() -> policies, false);
    SignedJWT token =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
            new JWTClaimsSet.Builder()
                .issuer("https://idp")
                .audience("api")
                .subject("alice")
                .expirationTime(new Date(System.currentTimeMillis() + 3_600_000))
                .build());
    token.sign(new RSASSASigner(keys.getPrivate()));
    anonymous = input("/open", Map.of());
    apiKey = input("/keys/1", Map.of("x-api-key", "k-1"));
    apiKeyWithRule = input("/rules/1", Map.of("x-api-key", "k-1"));
    jwt = input("/tokens/1", Map.of("authorization", "Bearer " + token.serialize()));
  }

  private static CheckInput input(String path, Map<String, String> headers) {
    return new CheckInput(
        new HttpAttributes("GET", "api.example.com", path, "", headers, "https", Optional.of("r1")),
        new PeerAttributes("10.0.0.1:1234", Optional.empty()),
        Map.of());
  }

  @Benchmark
  public Object baselineAnonymous() {
    return authorizer.check(anonymous);
  }

  @Benchmark
  public Object apiKey() {
    return authorizer.check(apiKey);
  }

  @Benchmark
  public Object apiKeyAndCelRule() {
    return authorizer.check(apiKeyWithRule);
  }

  @Benchmark
  public Object jwtRs256() {
    return authorizer.check(jwt);
  }
}
