package io.attache.authz.identity.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import io.attache.testsupport.keys.TestKeyPairs;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeySetTest {

  @Test
  void symmetricKeysInAJwksAreNeverUsed() {
    OctetSequenceKey secret =
        new OctetSequenceKey.Builder(
                Base64URL.encode(
                    "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)))
            .keyID("hmac")
            .build();
    String json = "{\"keys\":[" + secret.toJSONString() + "]}";

    KeySet keys = KeySet.parse(json);

    assertThat(keys.isEmpty()).isTrue();
    assertThat(keys.skipped()).singleElement().asString().contains("kid hmac");
  }

  @Test
  void aJwksWithOnlySymmetricKeysIsNotAnInlineKeySource() {
    OctetSequenceKey secret =
        new OctetSequenceKey.Builder(Base64URL.encode(new byte[32])).keyID("hmac").build();

    assertThatThrownBy(() -> new InlineJwks("{\"keys\":[" + secret.toJSONString() + "]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no usable signature key");
  }

  @Test
  void privatePartsAreDropped() {
    KeySet keys = KeySet.parse("{\"keys\":[" + TestTokens.rsa().toJSONString() + "]}");

    assertThat(keys.keys())
        .singleElement()
        .satisfies(k -> assertThat(k.jwk().isPrivate()).isFalse());
  }

  @Test
  void encryptionKeysAreNotUsedForSignatures() {
    RSAKey enc =
        new RSAKey.Builder((RSAPublicKey) TestKeyPairs.rsa().getPublic())
            .keyUse(KeyUse.ENCRYPTION)
            .build();

    assertThat(KeySet.parse(TestTokens.jwks(enc)).isEmpty()).isTrue();
  }

  @Test
  void aKeyPinnedToOneAlgorithmFitsNoOther() {
    RSAKey pinned =
        new RSAKey.Builder((RSAPublicKey) TestKeyPairs.rsa().getPublic())
            .keyID("k")
            .algorithm(JWSAlgorithm.RS256)
            .build();
    KeySet keys = KeySet.parse(TestTokens.jwks(pinned));

    assertThat(keys.select(Optional.of("k"), SignatureAlgorithm.PS256)).isEmpty();
  }

  @Test
  void rsaKeysShorterThan2048BitsAreNotUsed() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    RSAKey weak =
        new RSAKey.Builder((RSAPublicKey) generator.generateKeyPair().getPublic())
            .keyID("weak")
            .build();

    assertThat(KeySet.parse(TestTokens.jwks(weak)).skipped())
        .singleElement()
        .asString()
        .contains("1024");
  }

  @Test
  void selectionByAlgorithmSkipsKeysOfTheOtherType() {
    KeySet keys = KeySet.parse(TestTokens.jwks(TestTokens.rsa(), TestTokens.ec()));

    assertThat(keys.select(Optional.empty(), SignatureAlgorithm.ES256))
        .singleElement()
        .satisfies(k -> assertThat(k.kid()).hasValue(TestTokens.EC_KID));
  }

  @Test
  void anEcKeyDoesNotFitAnAlgorithmOfAnotherCurve() {
    KeySet keys = KeySet.parse(TestTokens.jwks(TestTokens.ec()));

    assertThat(keys.select(Optional.of(TestTokens.EC_KID), SignatureAlgorithm.ES384)).isEmpty();
  }

  @Test
  void everyLookupAnswersWhatASelectionFinds() {
    KeySet keys = KeySet.parse(TestTokens.jwks(TestTokens.rsa(), TestTokens.ec()));

    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      for (Optional<String> kid :
          List.of(
              Optional.<String>empty(),
              Optional.of(TestTokens.RSA_KID),
              Optional.of(TestTokens.EC_KID),
              Optional.of("not-a-kid"))) {
        List<VerificationKey> selected = keys.select(kid, algorithm);
        assertThat(keys.lookup(kid, algorithm))
            .as("%s, %s", kid, algorithm)
            .isEqualTo(
                selected.isEmpty()
                    ? new KeySource.Lookup.Unknown()
                    : new KeySource.Lookup.Found(selected));
      }
    }
  }

  @Test
  void somethingOtherThanAJwksIsRefused() {
    assertThatThrownBy(() -> KeySet.parse("[1,2]")).isInstanceOf(IllegalArgumentException.class);
  }
}
