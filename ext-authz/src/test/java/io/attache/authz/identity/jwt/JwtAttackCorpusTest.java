package io.attache.authz.identity.jwt;

import static io.attache.authz.identity.jwt.TestTokens.bearer;
import static io.attache.authz.identity.jwt.TestTokens.encode;
import static io.attache.authz.identity.jwt.TestTokens.rs256;
import static io.attache.authz.identity.jwt.TestTokens.rs256Raw;
import static io.attache.authz.identity.jwt.TestTokens.validClaims;
import static io.attache.authz.identity.jwt.TestTokens.validPayloadJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeyLengthException;
import com.nimbusds.jose.crypto.MACSigner;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.ReasonCode;
import io.attache.testsupport.keys.TestKeyPairs;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tokens an attacker would try, each signed with a key the verifier trusts wherever the attack
 * allows, so that only the defence under test can stop it.
 */
class JwtAttackCorpusTest {
  private final JwtVerifier verifier =
      new JwtVerifier(
          JwtSettings.builder().issuers(TestTokens.ISSUER).audiences(TestTokens.AUDIENCE).build(),
          new InlineJwks(TestTokens.jwks(TestTokens.rsa(), TestTokens.ec())),
          TestTokens.CLOCK);

  @Test
  void algNoneIsNotAllowed() {
    assertThat(verify(algNone("none"))).isEqualTo(ReasonCode.TOKEN_ALGORITHM_NOT_ALLOWED);
  }

  @Test
  void algNoneInOtherCaseIsNotAllowed() {
    assertThat(verify(algNone("nOnE"))).isEqualTo(ReasonCode.TOKEN_ALGORITHM_NOT_ALLOWED);
  }

  @Test
  void hs256KeyedWithTheRsaPublicKeyBytesIsNotAllowed() {
    assertThat(verify(hs256WithPublicKey(publicKeyDer())))
        .isEqualTo(ReasonCode.TOKEN_ALGORITHM_NOT_ALLOWED);
  }

  @Test
  void hs256KeyedWithTheRsaPublicKeyPemIsNotAllowed() {
    assertThat(verify(hs256WithPublicKey(publicKeyPem())))
        .isEqualTo(ReasonCode.TOKEN_ALGORITHM_NOT_ALLOWED);
  }

  @Test
  void expiredBeyondTheSkewIsRejected() {
    assertThat(verify(expired())).isEqualTo(ReasonCode.TOKEN_EXPIRED);
  }

  @Test
  void notYetValidBeyondTheSkewIsRejected() {
    assertThat(verify(notYetValid())).isEqualTo(ReasonCode.TOKEN_NOT_YET_VALID);
  }

  @Test
  void anotherIssuerIsRejected() {
    assertThat(verify(wrongIssuer())).isEqualTo(ReasonCode.TOKEN_ISSUER_INVALID);
  }

  @Test
  void anotherAudienceIsRejected() {
    assertThat(verify(wrongAudience())).isEqualTo(ReasonCode.TOKEN_AUDIENCE_INVALID);
  }

  @Test
  void anUnknownKidIsRejected() {
    assertThat(verify(unknownKid())).isEqualTo(ReasonCode.TOKEN_KEY_UNKNOWN);
  }

  @Test
  void aPayloadWithAnotherPayloadsSignatureIsRejected() {
    assertThat(verify(tamperedPayload())).isEqualTo(ReasonCode.TOKEN_SIGNATURE_INVALID);
  }

  @Test
  void aTokenSignedByAnUntrustedKeyUnderATrustedKidIsRejected() {
    assertThat(verify(signedByAnotherKey())).isEqualTo(ReasonCode.TOKEN_SIGNATURE_INVALID);
  }

  @Test
  void aStrippedSignatureIsRejected() {
    assertThat(verify(strippedSignature())).isEqualTo(ReasonCode.TOKEN_SIGNATURE_INVALID);
  }

  @Test
  void anOversizedTokenIsRejectedBeforeDecoding() {
    assertThat(verify(oversized())).isEqualTo(ReasonCode.TOKEN_TOO_LARGE);
  }

  @Test
  void malformedBase64IsRejected() {
    assertThat(verify(malformedBase64())).isEqualTo(ReasonCode.TOKEN_MALFORMED);
  }

  @Test
  void paddedBase64IsRejected() {
    assertThat(verify(padded())).isEqualTo(ReasonCode.TOKEN_MALFORMED);
  }

  @Test
  void malformedJsonIsRejectedEvenWhenValidlySigned() {
    assertThat(verify(malformedJson())).isEqualTo(ReasonCode.TOKEN_MALFORMED);
  }

  @Test
  void duplicateClaimsAreRejectedEvenWhenValidlySigned() {
    assertThat(verify(duplicateClaims())).isEqualTo(ReasonCode.TOKEN_MALFORMED);
  }

  @Test
  void duplicateClaimsHiddenByAnEscapeAreRejected() {
    assertThat(verify(escapedDuplicateClaims())).isEqualTo(ReasonCode.TOKEN_MALFORMED);
  }

  @Test
  void aDuplicateAlgInTheHeaderIsRejected() {
    assertThat(verify(duplicateHeaderAlg())).isEqualTo(ReasonCode.TOKEN_MALFORMED);
  }

  @Test
  void anEncryptedTokenIsRejectedAsMalformed() {
    assertThat(verify(jweShaped())).isEqualTo(ReasonCode.TOKEN_MALFORMED);
  }

  @Test
  void anUnknownCriticalHeaderIsRejected() {
    assertThat(verify(criticalHeader())).isEqualTo(ReasonCode.TOKEN_MALFORMED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void noRejectionDetailQuotesTheToken(String token) {
    IdentityResult.Rejected rejected = (IdentityResult.Rejected) verifier.verify(bearer(token));

    assertThat(rejected.detail()).doesNotContain(token.split("\\.")).isNotBlank();
  }

  @Test
  void randomGarbageIsNeverAuthenticatedAndNeverThrows() {
    Random random = new Random(20300101L);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ {}\"";
    for (int i = 0; i < 2_000; i++) {
      StringBuilder token = new StringBuilder();
      int length = random.nextInt(200);
      for (int j = 0; j < length; j++) {
        token.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertThat(verifier.verify(bearer(token.toString())))
          .isNotInstanceOf(IdentityResult.Authenticated.class);
    }
  }

  @Test
  void everyTruncationOfAValidTokenIsRejected() {
    String token = rs256(validClaims().build());
    for (int length = 0; length < token.length(); length++) {
      assertThat(verifier.verify(bearer(token.substring(0, length))))
          .as("first %d characters", length)
          .isInstanceOf(IdentityResult.Rejected.class);
    }
  }

  static Stream<Arguments> corpus() {
    return Stream.of(
        named("alg none", algNone("none")),
        named("HS256 with the public key", hs256WithPublicKey(publicKeyDer())),
        named("expired", expired()),
        named("not yet valid", notYetValid()),
        named("wrong issuer", wrongIssuer()),
        named("wrong audience", wrongAudience()),
        named("unknown kid", unknownKid()),
        named("tampered payload", tamperedPayload()),
        named("signed by another key", signedByAnotherKey()),
        named("oversized", oversized()),
        named("malformed base64", malformedBase64()),
        named("malformed JSON", malformedJson()),
        named("duplicate claims", duplicateClaims()),
        named("duplicate header alg", duplicateHeaderAlg()),
        named("critical header", criticalHeader()));
  }

  private static Arguments named(String name, String token) {
    return Arguments.of(Named.of(name, token));
  }

  private ReasonCode verify(String token) {
    IdentityResult result = verifier.verify(bearer(token));
    assertThat(result).isInstanceOf(IdentityResult.Rejected.class);
    return ((IdentityResult.Rejected) result).reason();
  }

  private static String algNone(String alg) {
    return encode("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}")
        + "."
        + encode(validPayloadJson())
        + ".";
  }

  private static String hs256WithPublicKey(byte[] secret) {
    try {
      return TestTokens.signRaw(
          JWSAlgorithm.HS256,
          new MACSigner(secret),
          "{\"alg\":\"HS256\",\"kid\":\"" + TestTokens.RSA_KID + "\"}",
          validPayloadJson());
    } catch (KeyLengthException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] publicKeyDer() {
    return TestKeyPairs.rsa().getPublic().getEncoded();
  }

  private static byte[] publicKeyPem() {
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(publicKeyDer())
            + "\n-----END PUBLIC KEY-----\n";
    return pem.getBytes(StandardCharsets.US_ASCII);
  }

  private static String expired() {
    return rs256(validClaims().expirationTime(at(-61)).build());
  }

  private static String notYetValid() {
    return rs256(validClaims().notBeforeTime(at(61)).build());
  }

  private static String wrongIssuer() {
    return rs256(validClaims().issuer("https://evil.example.com/").build());
  }

  private static String wrongAudience() {
    return rs256(validClaims().audience("billing-api").build());
  }

  private static String unknownKid() {
    return TestTokens.sign(
        JWSAlgorithm.RS256,
        TestTokens.rsaJwk("rsa-unknown", TestKeyPairs.otherRsa()),
        validClaims().build());
  }

  private static String tamperedPayload() {
    String[] alice = rs256(validClaims().build()).split("\\.");
    String[] admin = rs256(validClaims().subject("admin").build()).split("\\.");
    return alice[0] + "." + admin[1] + "." + alice[2];
  }

  private static String signedByAnotherKey() {
    return TestTokens.sign(
        JWSAlgorithm.RS256,
        TestTokens.rsaJwk(TestTokens.RSA_KID, TestKeyPairs.otherRsa()),
        validClaims().build());
  }

  private static String strippedSignature() {
    String token = rs256(validClaims().build());
    return token.substring(0, token.lastIndexOf('.') + 1);
  }

  private static String oversized() {
    return rs256(validClaims().claim("padding", "x".repeat(9_000)).build());
  }

  private static String malformedBase64() {
    String[] parts = rs256(validClaims().build()).split("\\.");
    return parts[0] + ".eyJzdWIiOi*hbGljZSJ9." + parts[2];
  }

  private static String padded() {
    String[] parts = rs256(validClaims().build()).split("\\.");
    return parts[0] + "." + parts[1] + "==." + parts[2];
  }

  private static String malformedJson() {
    return rs256Raw("{\"sub\":\"alice\",\"iss\":\"" + TestTokens.ISSUER + "\"");
  }

  private static String duplicateClaims() {
    String json = validPayloadJson();
    return rs256Raw(json.substring(0, json.length() - 1) + ",\"sub\":\"admin\"}");
  }

  private static String escapedDuplicateClaims() {
    String json = validPayloadJson();
    return rs256Raw(json.substring(0, json.length() - 1) + ",\"s\\u0075b\":\"admin\"}");
  }

  private static String duplicateHeaderAlg() {
    return TestTokens.signRaw(
        JWSAlgorithm.RS256,
        TestTokens.signer(TestTokens.rsa()),
        "{\"alg\":\"RS256\",\"kid\":\"" + TestTokens.RSA_KID + "\",\"alg\":\"HS256\"}",
        validPayloadJson());
  }

  private static String jweShaped() {
    return String.join(".", List.of("eyJhbGciOiJSU0EtT0FFUCJ9", "a", "b", "c", "d"));
  }

  private static String criticalHeader() {
    return TestTokens.signRaw(
        JWSAlgorithm.RS256,
        TestTokens.signer(TestTokens.rsa()),
        "{\"alg\":\"RS256\",\"kid\":\"" + TestTokens.RSA_KID + "\",\"crit\":[\"exp\"],\"exp\":1}",
        validPayloadJson());
  }

  private static Date at(long secondsFromNow) {
    return Date.from(TestTokens.NOW.plusSeconds(secondsFromNow));
  }
}
