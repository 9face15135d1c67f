package io.attache.authz.identity.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Set;

/**
 * Verifies EdDSA signatures (RFC 8037) made with an Ed25519 key, using the JDK's own Ed25519 (Java
 * 15 and later): the JOSE library's verifier for it needs Google Tink, a second crypto library for
 * one algorithm the JDK already has. The JWK's {@code x} is the raw 32-byte public key; the JDK
 * takes it in an X.509 SubjectPublicKeyInfo, which for Ed25519 is a fixed 12-byte prefix (RFC 8410
 * section 4) followed by those bytes.
 */
final class JdkEd25519Verifier implements JWSVerifier {
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  private static final int KEY_BYTES = 32;

  private final PublicKey key;
  private final JCAContext jca = new JCAContext();

  JdkEd25519Verifier(OctetKeyPair jwk) throws JOSEException {
    byte[] x = jwk.getDecodedX();
    if (x.length != KEY_BYTES) {
      throw new JOSEException("an Ed25519 public key is 32 bytes, not " + x.length);
    }
    byte[] encoded = new byte[SPKI_PREFIX.length + KEY_BYTES];
    System.arraycopy(SPKI_PREFIX, 0, encoded, 0, SPKI_PREFIX.length);
    System.arraycopy(x, 0, encoded, SPKI_PREFIX.length, KEY_BYTES);
    try {
      this.key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
    } catch (GeneralSecurityException e) {
      throw new JOSEException("not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature)
      throws JOSEException {
    if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(signingInput);
      return verifier.verify(signature.decode());
    } catch (GeneralSecurityException e) {
      // A signature of the wrong length: simply not valid.
      return false;
    }
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return Set.of(JWSAlgorithm.EdDSA);
  }

  @Override
  public JCAContext getJCAContext() {
    return jca;
  }
}
