package io.attache.testsupport.keys;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/**
 * Key pairs for signing test tokens and certificates, generated once per test JVM (RSA generation
 * costs tens of milliseconds). Never used outside tests.
 */
public final class TestKeyPairs {
  private static final KeyPair RSA = generate("RSA", 2048);
  private static final KeyPair RSA_OTHER = generate("RSA", 2048);
  private static final KeyPair EC_P256 = generateEc("secp256r1");

  private TestKeyPairs() {}

  /** An RSA 2048 key pair (RS256, PS256). */
  public static KeyPair rsa() {
    return RSA;
  }

  /** A second, unrelated RSA key pair, for "signed by the wrong key" cases. */
  public static KeyPair otherRsa() {
    return RSA_OTHER;
  }

  /** An EC P-256 key pair (ES256). */
  public static KeyPair ecP256() {
    return EC_P256;
  }

  private static KeyPair generate(String algorithm, int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair generateEc(String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
