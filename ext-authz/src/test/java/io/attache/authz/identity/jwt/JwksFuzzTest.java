package io.attache.authz.identity.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Fuzz target for JWKS documents as configuration and key endpoints deliver them: a document is
 * either a {@link KeySet} or an {@link IllegalArgumentException} with a message, and every key it
 * keeps is one the class comment allows (public, for signatures, RSA of at least 2048 bits, EC or
 * OKP). Every lookup over the set answers without throwing, and what it finds fits the algorithm.
 */
class JwksFuzzTest {

  @FuzzTest
  void keepsOnlyUsableKeys(byte[] input) {
    String document = new String(input, StandardCharsets.UTF_8);
    KeySet keys;
    try {
      keys = KeySet.parse(document);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    for (VerificationKey key : keys.keys()) {
      assertThat(key.jwk().isPrivate()).isFalse();
      assertThat(key.jwk().getKeyType()).isIn(KeyType.RSA, KeyType.EC, KeyType.OKP);
      assertThat(key.jwk().getKeyUse()).isIn(null, KeyUse.SIGNATURE);
      if (key.jwk() instanceof RSAKey rsa) {
        assertThat(rsa.size()).isGreaterThanOrEqualTo(KeySet.MIN_RSA_BITS);
      }
    }
    assertThat(keys.skipped()).allSatisfy(why -> assertThat(why).isNotBlank());
    List<Optional<String>> kids =
        List.of(Optional.empty(), Optional.of("rsa-1"), Optional.of("unknown"));
    for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
      for (Optional<String> kid : kids) {
        if (keys.lookup(kid, alg) instanceof KeySource.Lookup.Found found) {
          assertThat(found.keys()).allSatisfy(key -> assertThat(key.fits(alg)).isTrue());
        }
      }
      keys.keys().forEach(key -> keys.lookup(key.kid(), alg));
    }
    try {
      new InlineJwks(document);
    } catch (IllegalArgumentException noUsableKey) {
      assertThat(keys.isEmpty()).isTrue();
    }
  }
}
