package io.attache.runtime.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads PEM certificates and private keys as Kubernetes Secrets hold them. Keys come in whichever
 * encoding the issuer chose: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE
 * KEY}, cert-manager's default for RSA) or SEC1 ({@code BEGIN EC PRIVATE KEY}); the JDK reads only
 * the first. Encrypted keys are refused: there is no passphrase variable to open them with.
 */
public final class PemFiles {
  private PemFiles() {}

  /** The certificates of a PEM file in file order: a leaf and its chain, or a CA bundle. */
  public static List<X509Certificate> certificates(Path file) throws TlsFileException {
    return certificates(file, read(file));
  }

  /** As {@link #certificates(Path)}, from the file's bytes already read. */
  static List<X509Certificate> certificates(Path file, byte[] bytes) throws TlsFileException {
    List<X509Certificate> certificates = new ArrayList<>();
    try (PEMParser parser = parser(bytes)) {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        if (object instanceof X509CertificateHolder holder) {
          certificates.add(
              (X509Certificate)
                  factory.generateCertificate(
                      new java.io.ByteArrayInputStream(holder.getEncoded())));
        }
      }
    } catch (IOException | CertificateException e) {
      throw new TlsFileException(file, "not a PEM certificate file: " + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw new TlsFileException(file, "holds no PEM certificate (BEGIN CERTIFICATE)");
    }
    return List.copyOf(certificates);
  }

  /** The one private key of a PEM file. */
  public static PrivateKey privateKey(Path file) throws TlsFileException {
    return privateKey(file, read(file));
  }

  /** As {@link #privateKey(Path)}, from the file's bytes already read. */
  static PrivateKey privateKey(Path file, byte[] bytes) throws TlsFileException {
    try (PEMParser parser = parser(bytes)) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        if (object instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (object instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (object instanceof PEMEncryptedKeyPair
            || object instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new TlsFileException(file, "the private key is encrypted; give it unencrypted");
        }
      }
    } catch (IOException e) {
      throw new TlsFileException(file, "not a PEM private key file: " + e.getMessage());
    }
    throw new TlsFileException(
        file, "holds no PEM private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
  }

  /** Throws unless {@code key} (read from {@code keyFile}) belongs to the chain's leaf. */
  static void requireMatching(
      PrivateKey key, List<X509Certificate> chain, Path keyFile, Path certificateFile)
      throws TlsFileException {
    if (!matches(key, chain.get(0))) {
      throw new TlsFileException(
          keyFile, "is not the private key of the certificate in " + certificateFile);
    }
  }

  /** Whether {@code key} is the private half of {@code certificate}'s public key. */
  static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return true; // nothing to prove it with; the handshake will tell
    }
    try {
      byte[] challenge = "attache key check".getBytes(StandardCharsets.US_ASCII);
      java.security.Signature signer = java.security.Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static byte[] read(Path file) throws TlsFileException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TlsFileException(file, "no such file");
    } catch (IOException e) {
      throw new TlsFileException(file, "cannot be read: " + e.getMessage());
    }
  }

  private static PEMParser parser(byte[] bytes) {
    return new PEMParser(new StringReader(new String(bytes, StandardCharsets.US_ASCII)));
  }
}
