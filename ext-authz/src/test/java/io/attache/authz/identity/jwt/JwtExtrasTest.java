package io.attache.authz.identity.jwt;

import static io.attache.authz.identity.jwt.TestTokens.bearer;
import static io.attache.authz.identity.jwt.TestTokens.validClaims;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.ReasonCode;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Ed25519 signatures (RFC 8037), explicit typing (RFC 8725 section 3.11). Tokens are signed with
 * the JDK's own Ed25519, independently of the verifier's key decoding.
 */
class JwtExtrasTest {
  private static final KeyPair ED25519 = ed25519();
  private static final String ED_KID = "ed-1";

  private static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as a JWK: {@code x} is the raw key, the last 32 bytes of its X.509 form. */
  static OctetKeyPair edJwk(KeyPair pair, Curve curve) {
    byte[] spki = pair.getPublic().getEncoded();
    byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    return new OctetKeyPair.Builder(curve, Base64URL.encode(raw)).keyID(ED_KID).build();
  }

  /** Signs with the JDK's Ed25519, as an identity provider would. */
  private static final JWSSigner JDK_SIGNER =
      new JWSSigner() {
        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) {
          try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(ED25519.getPrivate());
            signature.update(signingInput);
            return Base64URL.encode(signature.sign());
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
          }
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
          return Set.of(JWSAlgorithm.EdDSA);
        }

        @Override
        public JCAContext getJCAContext() {
          return new JCAContext();
        }
      };

  private static String edToken(String extraHeader) {
    return TestTokens.signRaw(
        JWSAlgorithm.EdDSA,
        JDK_SIGNER,
        "{\"alg\":\"EdDSA\",\"kid\":\"" + ED_KID + "\"" + extraHeader + "}",
        TestTokens.validPayloadJson());
  }

  private static JwtVerifier verifier(JwtSettings.Builder settings, String jwks) {
    return new JwtVerifier(settings.build(), new InlineJwks(jwks), TestTokens.CLOCK);
  }

  private static JwtSettings.Builder settings() {
    return JwtSettings.builder().issuers(TestTokens.ISSUER).audiences(TestTokens.AUDIENCE);
  }

  private static ReasonCode rejected(IdentityResult result) {
    assertThat(result).isInstanceOf(IdentityResult.Rejected.class);
    return ((IdentityResult.Rejected) result).reason();
  }

  @Test
  void anEd25519TokenVerifiesWithItsOkpKeyAndATamperedOneDoesNot() {
    JwtVerifier verifier = verifier(settings(), TestTokens.jwks(edJwk(ED25519, Curve.Ed25519)));
    String token = edToken("");
    String[] parts = token.split("\\.");
    String otherPayload =
        TestTokens.encode(TestTokens.validPayloadJson().replace("alice", "mallory"));

    IdentityResult valid = verifier.verify(bearer(token));
    IdentityResult tampered =
        verifier.verify(bearer(parts[0] + "." + otherPayload + "." + parts[2]));

    assertThat(valid)
        .isInstanceOfSatisfying(
            IdentityResult.Authenticated.class,
            a -> assertThat(a.identity().principal()).isEqualTo("alice"));
    assertThat(rejected(tampered)).isEqualTo(ReasonCode.TOKEN_SIGNATURE_INVALID);
  }

  @Test
  void eddsaIsRefusedWithAKeyOfAnotherTypeOrCurveAndWhenNotAllowed() {
    String token = edToken("");
    JwtVerifier rsaOnly = verifier(settings(), TestTokens.jwks(TestTokens.rsa()));
    JwtVerifier ed448Key =
        verifier(settings(), TestTokens.jwks(TestTokens.rsa(), edJwk(ED25519, Curve.Ed448)));
    JwtVerifier notAllowed =
        verifier(
            settings().allowedAlgorithms(SignatureAlgorithm.RS256),
            TestTokens.jwks(edJwk(ED25519, Curve.Ed25519)));

    assertThat(rejected(rsaOnly.verify(bearer(token)))).isEqualTo(ReasonCode.TOKEN_KEY_UNKNOWN);
    assertThat(rejected(ed448Key.verify(bearer(token)))).isEqualTo(ReasonCode.TOKEN_KEY_UNKNOWN);
    assertThat(rejected(notAllowed.verify(bearer(token))))
        .isEqualTo(ReasonCode.TOKEN_ALGORITHM_NOT_ALLOWED);
    assertThat(KeySet.parse(TestTokens.jwks(edJwk(ED25519, Curve.Ed448))).skipped())
        .containsExactly("kid ed-1: OKP curve Ed448 is not supported");
  }

  /**
   * RFC 8725 section 3.11: with explicit typing, an ID token or another JWT signed by the same
   * issuer is not accepted where an access token ({@code at+jwt}, RFC 9068 section 2.1) is asked
   * for. RFC 7515 section 4.1.9: {@code application/} may be omitted, and media types compare
   * case-insensitively.
   */
  @Test
  void aRequiredTypeRefusesTokensOfAnotherTypeOrNone() {
    JwtVerifier accessTokens =
        verifier(settings().requiredType("at+jwt"), TestTokens.jwks(edJwk(ED25519, Curve.Ed25519)));

    assertThat(accessTokens.verify(bearer(edToken(",\"typ\":\"at+jwt\""))))
        .isInstanceOf(IdentityResult.Authenticated.class);
    assertThat(accessTokens.verify(bearer(edToken(",\"typ\":\"application/AT+JWT\""))))
        .isInstanceOf(IdentityResult.Authenticated.class);
    assertThat(rejected(accessTokens.verify(bearer(edToken(",\"typ\":\"JWT\"")))))
        .isEqualTo(ReasonCode.TOKEN_TYPE_INVALID);
    assertThat(rejected(accessTokens.verify(bearer(edToken("")))))
        .isEqualTo(ReasonCode.TOKEN_TYPE_INVALID);
    assertThat(
            verifier(settings(), TestTokens.jwks(edJwk(ED25519, Curve.Ed25519)))
                .verify(bearer(edToken(",\"typ\":\"JWT\""))))
        .isInstanceOf(IdentityResult.Authenticated.class);
    assertThat(validClaims().build().getSubject()).isEqualTo("alice");
  }
}
