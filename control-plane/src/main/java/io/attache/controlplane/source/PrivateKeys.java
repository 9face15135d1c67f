package io.attache.controlplane.source;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Reads the private key of a TLS Secret in the three PEM forms Envoy (BoringSSL) accepts and
 * cert-manager writes: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1
 * ({@code EC PRIVATE KEY}), and tells whether it belongs to a certificate's public key. The JDK
 * reads PKCS#8 only, so the other two are wrapped into PKCS#8 first (a few DER bytes around them).
 * Never puts key bytes into an exception message.
 */
final class PrivateKeys {
  static final String PKCS8 = "PRIVATE KEY";
  static final String PKCS1_RSA = "RSA PRIVATE KEY";
  static final String SEC1_EC = "EC PRIVATE KEY";
  static final String ENCRYPTED_PKCS8 = "ENCRYPTED PRIVATE KEY";

  private static final List<String> ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");
  // AlgorithmIdentifier { rsaEncryption, NULL }
  private static final byte[] RSA_ALGORITHM =
      HexFormat.of().parseHex("300d06092a864886f70d0101010500");
  // OBJECT IDENTIFIER id-ecPublicKey
  private static final byte[] EC_PUBLIC_KEY_OID = HexFormat.of().parseHex("06072a8648ce3d0201");
  private static final byte[] PKCS8_VERSION = {0x02, 0x01, 0x00};
  private static final int SEQUENCE = 0x30;
  private static final int OCTET_STRING = 0x04;
  private static final int EC_PARAMETERS = 0xa0;

  private PrivateKeys() {}

  /**
   * The key in {@code block}.
   *
   * @throws IllegalArgumentException naming what is wrong, without key content
   */
  static PrivateKey read(PemBlocks.Block block) {
    byte[] pkcs8 =
        switch (block.type()) {
          case PKCS8 -> block.der();
          case PKCS1_RSA -> pkcs8(RSA_ALGORITHM, block.der());
          case SEC1_EC -> pkcs8(ecAlgorithm(block.der()), block.der());
          case ENCRYPTED_PKCS8 ->
              throw new IllegalArgumentException(
                  "an encrypted private key; Envoy needs it unencrypted");
          default ->
              throw new IllegalArgumentException(
                  "a PEM "
                      + block.type()
                      + " block; expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY");
        };
    for (String algorithm : ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm; the next may read it
      }
    }
    throw new IllegalArgumentException(
        "the " + block.type() + " block is not a readable RSA, EC or EdDSA private key");
  }

  /**
   * Whether {@code key} is the private half of {@code certificateKey}; empty when this JVM cannot
   * tell (a key type it cannot sign with), in which case Envoy is left to judge.
   */
  static Optional<Boolean> matches(PrivateKey key, PublicKey certificateKey) {
    if (key instanceof RSAPrivateCrtKey rsa) {
      // The modulus and public exponent are in the private key: a comparison, no signature.
      return Optional.of(
          certificateKey instanceof RSAPublicKey pub
              && rsa.getModulus().equals(pub.getModulus())
              && rsa.getPublicExponent().equals(pub.getPublicExponent()));
    }
    if (!key.getAlgorithm().equals(certificateKey.getAlgorithm())) {
      return Optional.of(false);
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm();
          case "RSA" -> "SHA256withRSA";
          default -> null;
        };
    if (algorithm == null) {
      return Optional.empty();
    }
    try {
      byte[] probe = "attache key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificateKey);
      verifier.update(probe);
      return Optional.of(verifier.verify(signature));
    } catch (GeneralSecurityException e) {
      return Optional.of(false);
    }
  }

  /** AlgorithmIdentifier { id-ecPublicKey, the named curve of a SEC1 key's parameters }. */
  private static byte[] ecAlgorithm(byte[] sec1) {
    Der outer = Der.read(sec1, 0);
    if (outer.tag() != SEQUENCE) {
      throw new IllegalArgumentException("the EC PRIVATE KEY block is not a DER sequence");
    }
    int at = outer.contentStart();
    while (at < outer.end()) {
      Der field = Der.read(sec1, at);
      if (field.tag() == EC_PARAMETERS) {
        byte[] curve = new byte[field.end() - field.contentStart()];
        System.arraycopy(sec1, field.contentStart(), curve, 0, curve.length);
        return encode(SEQUENCE, EC_PUBLIC_KEY_OID, curve);
      }
      at = field.end();
    }
    throw new IllegalArgumentException(
        "the EC PRIVATE KEY block names no curve (SEC1 parameters are missing)");
  }

  /** PrivateKeyInfo { version 0, algorithm, OCTET STRING key }. */
  private static byte[] pkcs8(byte[] algorithm, byte[] key) {
    return encode(SEQUENCE, PKCS8_VERSION, algorithm, encode(OCTET_STRING, key));
  }

  private static byte[] encode(int tag, byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      content.writeBytes(part);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.size();
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }

  /** One DER element's header: tag, where its content starts, where it ends. */
  private record Der(int tag, int contentStart, int end) {
    static Der read(byte[] bytes, int at) {
      if (at + 2 > bytes.length) {
        throw truncated();
      }
      int tag = bytes[at] & 0xff;
      int first = bytes[at + 1] & 0xff;
      int start = at + 2;
      int length;
      if (first < 0x80) {
        length = first;
      } else {
        int count = first & 0x7f;
        if (count == 0 || count > 3 || start + count > bytes.length) {
          throw truncated();
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | (bytes[start + i] & 0xff);
        }
        start += count;
      }
      if (start + length > bytes.length) {
        throw truncated();
      }
      return new Der(tag, start, start + length);
    }

    private static IllegalArgumentException truncated() {
      return new IllegalArgumentException("the EC PRIVATE KEY block is not valid DER");
    }
  }
}
