package io.attache.authz.identity.jwt;

import static io.attache.authz.identity.jwt.TestTokens.bearer;
import static io.attache.authz.identity.jwt.TestTokens.es256;
import static io.attache.authz.identity.jwt.TestTokens.request;
import static io.attache.authz.identity.jwt.TestTokens.rs256;
import static io.attache.authz.identity.jwt.TestTokens.validClaims;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import io.attache.authz.core.Identity;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.ReasonCode;
import io.attache.testsupport.keys.TestKeyPairs;
import io.attache.testsupport.time.MutableClock;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {
  private static final InlineJwks KEYS =
      new InlineJwks(TestTokens.jwks(TestTokens.rsa(), TestTokens.ec()));

  private static JwtSettings.Builder settings() {
    return JwtSettings.builder().issuers(TestTokens.ISSUER).audiences(TestTokens.AUDIENCE);
  }

  private static JwtVerifier verifier(JwtSettings.Builder settings) {
    return new JwtVerifier(settings.build(), KEYS, TestTokens.CLOCK);
  }

  private static JwtVerifier verifier(MutableClock clock) {
    return new JwtVerifier(settings().build(), KEYS, clock);
  }

  private static Identity authenticated(IdentityResult result) {
    assertThat(result).isInstanceOf(IdentityResult.Authenticated.class);
    return ((IdentityResult.Authenticated) result).identity();
  }

  private static ReasonCode rejected(IdentityResult result) {
    assertThat(result).isInstanceOf(IdentityResult.Rejected.class);
    return ((IdentityResult.Rejected) result).reason();
  }

  @Test
  void aValidRs256TokenNamesItsSubject() {
    Identity identity =
        authenticated(verifier(settings()).verify(bearer(rs256(validClaims().build()))));

    assertThat(identity)
        .isEqualTo(
            new Identity(
                "alice",
                "jwt",
                Map.of(
                    "sub",
                    "alice",
                    "iss",
                    TestTokens.ISSUER,
                    "aud",
                    TestTokens.AUDIENCE,
                    "iat",
                    TestTokens.NOW.minusSeconds(10).getEpochSecond(),
                    "exp",
                    TestTokens.NOW.plusSeconds(300).getEpochSecond()),
                Map.of(),
                Optional.empty()));
  }

  @Test
  void aValidEs256TokenNamesItsSubject() {
    Identity identity =
        authenticated(
            verifier(settings()).verify(bearer(es256(validClaims().subject("bob").build()))));

    assertThat(identity.principal()).isEqualTo("bob");
  }

  @Test
  void claimsArePlainJavaValues() {
    String token =
        rs256(
            validClaims()
                .claim("roles", List.of("reader", "writer"))
                .claim("org", Map.of("id", 7, "name", "acme"))
                .claim("admin", false)
                .claim("ratio", 0.5)
                .build());

    Map<String, Object> claims = authenticated(verifier(settings()).verify(bearer(token))).claims();

    assertThat(claims)
        .containsEntry("roles", List.of("reader", "writer"))
        .containsEntry("org", Map.of("id", 7L, "name", "acme"))
        .containsEntry("admin", false)
        .containsEntry("ratio", 0.5);
  }

  @Test
  void noAuthorizationHeaderIsAbsent() {
    assertThat(verifier(settings()).verify(request(Map.of(), "")))
        .isInstanceOf(IdentityResult.Absent.class);
  }

  @Test
  void anotherAuthorizationSchemeIsAbsent() {
    assertThat(verifier(settings()).verify(request(Map.of("authorization", "Basic YTpi"), "")))
        .isInstanceOf(IdentityResult.Absent.class);
  }

  @Test
  void theBearerSchemeIsMatchedWithoutRegardToCase() {
    String token = rs256(validClaims().build());

    assertThat(verifier(settings()).verify(request(Map.of("authorization", "bearer " + token), "")))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  @Test
  void anEmptyAuthorizationHeaderIsMalformed() {
    assertThat(rejected(verifier(settings()).verify(request(Map.of("authorization", ""), ""))))
        .isEqualTo(ReasonCode.TOKEN_MALFORMED);
  }

  @Test
  void aBearerWithoutTokenIsMalformed() {
    assertThat(
            rejected(verifier(settings()).verify(request(Map.of("authorization", "Bearer"), ""))))
        .isEqualTo(ReasonCode.TOKEN_MALFORMED);
  }

  @Test
  void aBearerWithGarbageIsMalformed() {
    assertThat(rejected(verifier(settings()).verify(bearer("not-a-token"))))
        .isEqualTo(ReasonCode.TOKEN_MALFORMED);
  }

  @Test
  void aTokenInACustomHeaderWithoutPrefixIsAccepted() {
    String token = rs256(validClaims().build());

    assertThat(verifier(settings().header("X-Jwt", "")).verify(request(Map.of("x-jwt", token), "")))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  @Test
  void aTokenInTheConfiguredQueryParameterIsAccepted() {
    String token = rs256(validClaims().build());
    String query = "page=2&access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);

    assertThat(verifier(settings().queryParameter("access_token")).verify(request(Map.of(), query)))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  @Test
  void twoTokensInTheQueryAreMalformed() {
    String token = rs256(validClaims().build());
    String query = "access_token=" + token + "&access_token=" + token;

    assertThat(
            rejected(
                verifier(settings().queryParameter("access_token"))
                    .verify(request(Map.of(), query))))
        .isEqualTo(ReasonCode.TOKEN_MALFORMED);
  }

  @Test
  void expiryWithinTheClockSkewIsAccepted() {
    String token = rs256(validClaims().expirationTime(at(-59)).build());

    assertThat(verifier(settings()).verify(bearer(token)))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  @Test
  void notBeforeWithinTheClockSkewIsAccepted() {
    String token = rs256(validClaims().notBeforeTime(at(59)).build());

    assertThat(verifier(settings()).verify(bearer(token)))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  @Test
  void aSmallerClockSkewRejectsWhatTheDefaultAccepts() {
    String token = rs256(validClaims().expirationTime(at(-30)).build());

    assertThat(
            rejected(verifier(settings().clockSkew(Duration.ofSeconds(10))).verify(bearer(token))))
        .isEqualTo(ReasonCode.TOKEN_EXPIRED);
  }

  @Test
  void aTokenWithoutExpiryIsRejectedByDefault() {
    String token = rs256(validClaims().expirationTime(null).build());

    assertThat(rejected(verifier(settings()).verify(bearer(token))))
        .isEqualTo(ReasonCode.TOKEN_CLAIM_INVALID);
  }

  @Test
  void aTokenWithoutExpiryIsAcceptedWhenNotRequired() {
    String token = rs256(validClaims().expirationTime(null).build());

    assertThat(verifier(settings().requireExpiration(false)).verify(bearer(token)))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  @Test
  void aTokenWithoutIssuerIsRejected() {
    String token = rs256(validClaims().issuer(null).build());

    assertThat(rejected(verifier(settings()).verify(bearer(token))))
        .isEqualTo(ReasonCode.TOKEN_ISSUER_INVALID);
  }

  @Test
  void anyOfSeveralIssuersIsAccepted() {
    String token = rs256(validClaims().issuer("https://other-idp.example.com").build());

    assertThat(verifier(settings().issuers("https://other-idp.example.com")).verify(bearer(token)))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  @Test
  void anAudienceArrayContainingOursIsAccepted() {
    String token =
        rs256(validClaims().audience(List.of("billing-api", TestTokens.AUDIENCE)).build());

    assertThat(verifier(settings()).verify(bearer(token)))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  @Test
  void theAudienceIsNotCheckedWhenNoneIsConfigured() {
    String token = rs256(validClaims().audience("billing-api").build());

    assertThat(verifier(JwtSettings.builder().issuers(TestTokens.ISSUER)).verify(bearer(token)))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  @Test
  void aMissingRequiredClaimIsRejected() {
    String token = rs256(validClaims().build());

    assertThat(rejected(verifier(settings().requireClaim("tenant", "")).verify(bearer(token))))
        .isEqualTo(ReasonCode.TOKEN_CLAIM_INVALID);
  }

  @Test
  void aRequiredClaimWithAnotherValueIsRejected() {
    String token = rs256(validClaims().claim("tenant", "globex").build());

    assertThat(rejected(verifier(settings().requireClaim("tenant", "acme")).verify(bearer(token))))
        .isEqualTo(ReasonCode.TOKEN_CLAIM_INVALID);
  }

  @Test
  void aRequiredClaimThatIsOnlyPresentIsAccepted() {
    String token = rs256(validClaims().claim("tenant", "globex").build());

    assertThat(verifier(settings().requireClaim("tenant", "")).verify(bearer(token)))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  @Test
  void aRequiredValueInAnArrayClaimIsAccepted() {
    String token = rs256(validClaims().claim("groups", List.of("staff", "ops")).build());

    assertThat(verifier(settings().requireClaim("groups", "ops")).verify(bearer(token)))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  @Test
  void aRequiredValueMissingFromAnArrayClaimIsRejected() {
    String token = rs256(validClaims().claim("groups", List.of("staff")).build());

    assertThat(rejected(verifier(settings().requireClaim("groups", "ops")).verify(bearer(token))))
        .isEqualTo(ReasonCode.TOKEN_CLAIM_INVALID);
  }

  @Test
  void aRequiredBooleanClaimMatchesItsText() {
    String token = rs256(validClaims().claim("email_verified", true).build());

    assertThat(verifier(settings().requireClaim("email_verified", "true")).verify(bearer(token)))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  @Test
  void theConfiguredPrincipalClaimNamesTheCaller() {
    String token = rs256(validClaims().claim("email", "alice@example.com").build());

    Identity identity =
        authenticated(verifier(settings().principalClaim("email")).verify(bearer(token)));

    assertThat(identity.principal()).isEqualTo("alice@example.com");
  }

  @Test
  void aTokenWithoutThePrincipalClaimIsRejected() {
    String token = rs256(validClaims().subject(null).build());

    assertThat(rejected(verifier(settings()).verify(bearer(token))))
        .isEqualTo(ReasonCode.TOKEN_CLAIM_INVALID);
  }

  @Test
  void anAlgorithmLeftOutOfTheAllowedListIsRejected() {
    String token = rs256(validClaims().build());

    assertThat(
            rejected(
                verifier(settings().allowedAlgorithms(SignatureAlgorithm.ES256))
                    .verify(bearer(token))))
        .isEqualTo(ReasonCode.TOKEN_ALGORITHM_NOT_ALLOWED);
  }

  @Test
  void ps256IsAcceptedByDefault() {
    String token = TestTokens.sign(JWSAlgorithm.PS256, TestTokens.rsa(), validClaims().build());

    assertThat(verifier(settings()).verify(bearer(token)))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  @Test
  void anEs256TokenClaimingTheRsaKidIsNotVerifiedWithTheRsaKey() {
    String token =
        TestTokens.sign(
            JWSAlgorithm.ES256,
            TestTokens.ecJwk(TestTokens.RSA_KID, TestKeyPairs.ecP256()),
            validClaims().build());

    assertThat(rejected(verifier(settings()).verify(bearer(token))))
        .isEqualTo(ReasonCode.TOKEN_KEY_UNKNOWN);
  }

  @Test
  void aTokenWithoutKidIsVerifiedAgainstTheKeysThatFitItsAlgorithm() {
    String token =
        TestTokens.signRaw(
            JWSAlgorithm.RS256,
            TestTokens.signer(TestTokens.rsa()),
            "{\"alg\":\"RS256\"}",
            TestTokens.validPayloadJson());

    assertThat(verifier(settings()).verify(bearer(token)))
        .isInstanceOf(IdentityResult.Authenticated.class);
  }

  private static Date at(long secondsFromNow) {
    return Date.from(TestTokens.NOW.plusSeconds(secondsFromNow));
  }

  /** A key set that can be swapped, as a JWKS rotation swaps it. */
  private static final class RotatingKeys implements KeySource {
    volatile KeySource current;

    RotatingKeys(KeySource initial) {
      current = initial;
    }

    @Override
    public Lookup lookup(java.util.Optional<String> kid, SignatureAlgorithm algorithm) {
      return current.lookup(kid, algorithm);
    }
  }

  @Test
  void aTokenVerifiedBeforeIsRefusedOnceItsKeyLeavesTheKeySet() {
    RotatingKeys keys = new RotatingKeys(KEYS);
    JwtVerifier verifier = new JwtVerifier(settings().build(), keys, TestTokens.CLOCK);
    var request = bearer(rs256(validClaims().build()));
    authenticated(verifier.verify(request));

    keys.current = new InlineJwks(TestTokens.jwks(TestTokens.ec()));

    assertThat(rejected(verifier.verify(request))).isEqualTo(ReasonCode.TOKEN_KEY_UNKNOWN);
  }

  @Test
  void aTokenVerifiedBeforeStillHasItsLifetimeChecked() {
    MutableClock clock = MutableClock.at(TestTokens.NOW);
    JwtVerifier verifier = verifier(clock);
    var request = bearer(rs256(validClaims().build()));
    authenticated(verifier.verify(request));

    clock.advance(Duration.ofDays(3650));

    assertThat(rejected(verifier.verify(request))).isEqualTo(ReasonCode.TOKEN_EXPIRED);
  }

  @Test
  void aRememberedTokenIsAcceptedUntilTheSkewAfterItsExpiry() {
    MutableClock clock = MutableClock.at(TestTokens.NOW);
    JwtVerifier verifier = verifier(clock);
    var request = bearer(rs256(validClaims().build()));
    authenticated(verifier.verify(request));
    Instant expiry = TestTokens.NOW.plusSeconds(300).plus(JwtSettings.DEFAULT_CLOCK_SKEW);

    clock.set(expiry.minusMillis(1));
    authenticated(verifier.verify(request));
    clock.set(expiry);

    assertThat(rejected(verifier.verify(request))).isEqualTo(ReasonCode.TOKEN_EXPIRED);
  }

  @Test
  void aRememberedTokenNotYetValidIsAcceptedOnceItsTimeComes() {
    MutableClock clock = MutableClock.at(TestTokens.NOW);
    JwtVerifier verifier = verifier(clock);
    Instant notBefore = TestTokens.NOW.plusSeconds(120);
    var request = bearer(rs256(validClaims().notBeforeTime(Date.from(notBefore)).build()));
    assertThat(rejected(verifier.verify(request))).isEqualTo(ReasonCode.TOKEN_NOT_YET_VALID);

    clock.set(notBefore.minus(JwtSettings.DEFAULT_CLOCK_SKEW));

    authenticated(verifier.verify(request));
  }

  @Test
  void aRememberedTokenNamesTheSameIdentityAsWhenFirstVerified() {
    JwtVerifier verifier = verifier(settings());
    var request = bearer(rs256(validClaims().claim("roles", List.of("admin")).build()));
    Identity first = authenticated(verifier.verify(request));

    assertThat(authenticated(verifier.verify(request))).isEqualTo(first);
  }

  @Test
  void aRememberedTokenForAnotherAudienceIsRefusedForItsAudienceEveryTime() {
    JwtVerifier verifier = verifier(settings());
    var request = bearer(rs256(validClaims().audience("someone-else").build()));
    assertThat(rejected(verifier.verify(request))).isEqualTo(ReasonCode.TOKEN_AUDIENCE_INVALID);

    assertThat(rejected(verifier.verify(request))).isEqualTo(ReasonCode.TOKEN_AUDIENCE_INVALID);
  }

  @Test
  void aRememberedTokenThatIsExpiredAndForAnotherAudienceIsRefusedAsExpiredFirst() {
    MutableClock clock = MutableClock.at(TestTokens.NOW);
    JwtVerifier verifier = verifier(clock);
    var request = bearer(rs256(validClaims().audience("someone-else").build()));
    assertThat(rejected(verifier.verify(request))).isEqualTo(ReasonCode.TOKEN_AUDIENCE_INVALID);

    clock.advance(Duration.ofDays(1));

    assertThat(rejected(verifier.verify(request))).isEqualTo(ReasonCode.TOKEN_EXPIRED);
  }

  @Test
  void rememberedTokensAreBounded() {
    JwtVerifier verifier = new JwtVerifier(settings().build(), KEYS, TestTokens.CLOCK, 4);
    for (int i = 0; i < 12; i++) {
      authenticated(verifier.verify(bearer(es256(validClaims().subject("user-" + i).build()))));
    }

    assertThat(verifier.verifiedTokens()).isLessThanOrEqualTo(4);
  }

  @Test
  void aTamperedCopyOfAVerifiedTokenIsStillRefused() {
    JwtVerifier verifier = verifier(settings());
    String token = rs256(validClaims().build());
    authenticated(verifier.verify(bearer(token)));
    String[] parts = token.split("\\.");
    String forged =
        parts[0]
            + "."
            + com.nimbusds.jose.util.Base64URL.encode(
                "{\"sub\":\"mallory\",\"iss\":\"" + TestTokens.ISSUER + "\"}")
            + "."
            + parts[2];

    assertThat(rejected(verifier.verify(bearer(forged))))
        .isEqualTo(ReasonCode.TOKEN_SIGNATURE_INVALID);
  }

  /**
   * Envoy's jwt_authn tries a JWK without a kid for a token that names one: google/jwt_verify_lib
   * {@code verifyJwt} skips a JWK only when both name a kid and they differ. Identity providers
   * that publish kid-less JWKS while their tokens carry a kid work behind Envoy, so they must here.
   */
  @Test
  void aTokenWithAKidVerifiesWithAKeyThatHasNone() throws Exception {
    RSAKey signing = TestTokens.rsa();
    RSAKey withoutKid = new RSAKey.Builder(signing.toRSAPublicKey()).build();
    JwtVerifier verifier =
        new JwtVerifier(
            settings().build(),
            new InlineJwks(TestTokens.jwks(withoutKid, TestTokens.ec())),
            TestTokens.CLOCK);

    Identity identity =
        authenticated(verifier.verify(bearer(rs256(validClaims().subject("kidless").build()))));

    assertThat(identity.principal()).isEqualTo("kidless");
  }

  @Test
  void aKeyWithoutAKidStillOnlyAcceptsWhatItSigned() {
    RSAKey otherKey =
        new RSAKey.Builder((RSAPublicKey) TestKeyPairs.otherRsa().getPublic()).build();
    JwtVerifier verifier =
        new JwtVerifier(
            settings().build(), new InlineJwks(TestTokens.jwks(otherKey)), TestTokens.CLOCK);

    assertThat(rejected(verifier.verify(bearer(rs256(validClaims().build())))))
        .isEqualTo(ReasonCode.TOKEN_SIGNATURE_INVALID);
  }
}
