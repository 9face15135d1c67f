package io.attache.authz.identity.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.ReasonCode;
import io.attache.testsupport.keys.TestKeyPairs;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Fuzz target for compact JWS parsing, its strict JSON and the whole verifier. Whatever the bytes,
 * parsing refuses only with a {@link Rejection}, the verifier never fails unexpectedly ({@code
 * INTERNAL_ERROR} is how it reports a library exception), and a token it accepts is checked again
 * here without it: the signature with the JDK's own algorithms for a key of the set, the claims
 * against the settings. Inputs may be signed here with the fixed keys over fuzzed header and
 * payload texts, so the claim checks are reached and not only the signature check.
 */
class JwtFuzzTest {
  private static final String ISSUER = TestTokens.ISSUER;
  private static final String AUDIENCE = TestTokens.AUDIENCE;
  private static final Instant NOW = TestTokens.NOW;
  private static final long SKEW_SECONDS = JwtSettings.DEFAULT_CLOCK_SKEW.toSeconds();

  /** kid, key pair, the algorithm it signs with here; the Ed25519 key carries no kid. */
  private record SigningKey(Optional<String> kid, KeyPair pair, SignatureAlgorithm alg) {}

  private static final List<SigningKey> SIGNERS =
      List.of(
          new SigningKey(
              Optional.of(TestTokens.RSA_KID), TestKeyPairs.rsa(), SignatureAlgorithm.RS256),
          new SigningKey(
              Optional.of(TestTokens.EC_KID), TestKeyPairs.ecP256(), SignatureAlgorithm.ES256),
          new SigningKey(Optional.empty(), ed25519(), SignatureAlgorithm.EdDSA));

  private static final InlineJwks KEYS =
      new InlineJwks(TestTokens.jwks(TestTokens.rsa(), TestTokens.ec(), okp(SIGNERS.get(2))));

  private static final JwtSettings SETTINGS =
      JwtSettings.builder()
          .issuers(ISSUER)
          .audiences(AUDIENCE)
          .requireClaim("scope", "orders:read")
          .build();

  /**
   * The first byte chooses: bit 0 set, the rest is a header and a payload text separated by a NUL,
   * signed here with the key bits 1-2 pick (and one bit of the signature flipped if bit 3 is set);
   * clear, the rest is the token as it comes.
   */
  @FuzzTest
  void acceptsOnlyTokensThatVerify(byte[] input) {
    if (input.length == 0) {
      return;
    }
    String rest = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
    String token = (input[0] & 1) != 0 ? signedHere(input[0], rest) : rest;
    try {
      CompactJws.parse(token);
    } catch (Rejection expected) {
      // the only way parsing refuses
    }
    IdentityResult result =
        new JwtVerifier(SETTINGS, KEYS, TestTokens.CLOCK, 4).verifyCompact(token);
    if (result instanceof IdentityResult.Rejected rejected) {
      assertThat(rejected.reason()).isNotEqualTo(ReasonCode.INTERNAL_ERROR);
      return;
    }
    String principal = ((IdentityResult.Authenticated) result).identity().principal();
    assertReallyValid(token, principal);
  }

  private static String signedHere(byte options, String texts) {
    SigningKey key = SIGNERS.get(((options >> 1) & 3) % SIGNERS.size());
    int nul = texts.indexOf('\0');
    String header = nul < 0 ? texts : texts.substring(0, nul);
    String payload = nul < 0 ? "" : texts.substring(nul + 1);
    String input = encode(header) + "." + encode(payload);
    byte[] signature = sign(key, input);
    if ((options & 8) != 0) {
      signature[signature.length / 2] ^= 1;
    }
    return input + "." + Base64URL.encode(signature);
  }

  private static void assertReallyValid(String token, String principal) {
    String[] parts = token.split("\\.", -1);
    assertThat(parts).hasSize(3);
    Map<String, Object> header = json(parts[0]);
    SignatureAlgorithm alg = SignatureAlgorithm.named((String) header.get("alg")).orElseThrow();
    assertThat(SETTINGS.allowedAlgorithms()).contains(alg);
    Optional<String> kid =
        header.get("kid") instanceof String named ? Optional.of(named) : Optional.empty();
    byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    boolean verifies =
        SIGNERS.stream()
            .filter(k -> kid.isEmpty() || k.kid().isEmpty() || k.kid().equals(kid))
            .anyMatch(k -> jdkVerifies(alg, k.pair().getPublic(), input, signature));
    assertThat(verifies).as("signature verifies with the JDK").isTrue();

    JWTClaimsSet claims;
    try {
      claims = JWTClaimsSet.parse(json(parts[1]));
    } catch (ParseException e) {
      throw new AssertionError("accepted claims do not parse", e);
    }
    assertThat(claims.getIssuer()).isEqualTo(ISSUER);
    assertThat(claims.getAudience()).contains(AUDIENCE);
    assertThat(claims.getExpirationTime()).isNotNull();
    assertThat(NOW).isBefore(claims.getExpirationTime().toInstant().plusSeconds(SKEW_SECONDS));
    if (claims.getNotBeforeTime() != null) {
      assertThat(NOW.plusSeconds(SKEW_SECONDS))
          .isAfterOrEqualTo(claims.getNotBeforeTime().toInstant());
    }
    Object scope = claims.getClaim("scope");
    assertThat(
            scope instanceof List<?> list
                ? list.stream().anyMatch(s -> Objects.equals(String.valueOf(s), "orders:read"))
                : Objects.equals(String.valueOf(scope), "orders:read"))
        .isTrue();
    assertThat(claims.getClaim("sub")).isEqualTo(principal);
    assertThat(principal).isNotEmpty();
  }

  private static Map<String, Object> json(String part) {
    try {
      return JSONObjectUtils.parse(
          new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
    } catch (ParseException e) {
      throw new AssertionError("accepted token part is not JSON", e);
    }
  }

  private static boolean jdkVerifies(
      SignatureAlgorithm alg, PublicKey key, byte[] input, byte[] signature) {
    try {
      Signature verifier = jdkSignature(alg);
      verifier.initVerify(key);
      verifier.update(input);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false; // another key type, or a signature of the wrong length
    }
  }

  private static byte[] sign(SigningKey key, String input) {
    try {
      Signature signer = jdkSignature(key.alg());
      PrivateKey privateKey = key.pair().getPrivate();
      signer.initSign(privateKey);
      signer.update(input.getBytes(StandardCharsets.US_ASCII));
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Signature jdkSignature(SignatureAlgorithm alg) throws GeneralSecurityException {
    return switch (alg) {
      case RS256 -> Signature.getInstance("SHA256withRSA");
      case RS384 -> Signature.getInstance("SHA384withRSA");
      case RS512 -> Signature.getInstance("SHA512withRSA");
      case PS256, PS384, PS512 -> pss(alg);
      case ES256 -> Signature.getInstance("SHA256withECDSAinP1363Format");
      case ES384 -> Signature.getInstance("SHA384withECDSAinP1363Format");
      case ES512 -> Signature.getInstance("SHA512withECDSAinP1363Format");
      case EdDSA -> Signature.getInstance("Ed25519");
    };
  }

  private static Signature pss(SignatureAlgorithm alg) throws GeneralSecurityException {
    String hash = "SHA-" + alg.name().substring(2);
    int bytes = Integer.parseInt(alg.name().substring(2)) / 8;
    Signature pss = Signature.getInstance("RSASSA-PSS");
    pss.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), bytes, 1));
    return pss;
  }

  private static String encode(String text) {
    return Base64URL.encode(text.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The Ed25519 public key as a JWK without kid: its raw 32 bytes end the X.509 encoding. */
  private static JWK okp(SigningKey key) {
    byte[] encoded = key.pair().getPublic().getEncoded();
    byte[] x = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).build();
  }
}
