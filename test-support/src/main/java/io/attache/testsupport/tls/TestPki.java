package io.attache.testsupport.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A certificate authority for tests: issues server and client certificates with the names a test
 * asks for and writes them as PEM files, keys in the encoding a test asks for (cert-manager writes
 * PKCS#1 for RSA by default, SEC1 for ECDSA; others write PKCS#8).
 */
public final class TestPki {
  /** How a private key is written. */
  public enum KeyEncoding {
    /** {@code BEGIN PRIVATE KEY}. */
    PKCS8,
    /** {@code BEGIN RSA PRIVATE KEY} or {@code BEGIN EC PRIVATE KEY}, by the key's type. */
    TRADITIONAL
  }

  /** What a certificate is for. */
  public enum Usage {
    SERVER,
    CLIENT
  }

  /** An issued certificate and its key, in memory until written. */
  public record Issued(X509Certificate certificate, KeyPair keys) {
    /** Writes the certificate and key as PEM files; returns {@code certificate}. */
    public Path writeTo(Path certificateFile, Path keyFile, KeyEncoding encoding) {
      write(certificateFile, pem(certificate));
      write(keyFile, keyPem(encoding));
      return certificateFile;
    }

    public Path writeTo(Path certificateFile, Path keyFile) {
      return writeTo(certificateFile, keyFile, KeyEncoding.PKCS8);
    }

    public String certificatePem() {
      return pem(certificate);
    }

    public String keyPem(KeyEncoding encoding) {
      if (encoding == KeyEncoding.PKCS8) {
        return pkcs8(keys);
      }
      return keys.getPrivate().getAlgorithm().equals("EC") ? sec1(keys) : pem(keys);
    }
  }

  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

  private final String algorithm;
  private final KeyPair caKeys;
  private final X509Certificate caCertificate;
  private final X500Name caName;

  private TestPki(String algorithm, String name) {
    this.algorithm = algorithm;
    this.caKeys = generate(algorithm);
    this.caName = new X500Name("CN=" + name);
    this.caCertificate = sign(caName, caKeys, Duration.ofDays(30), true, null, List.of());
  }

  /** A CA with ECDSA P-256 keys (fast to generate). */
  public static TestPki ec(String name) {
    return new TestPki("EC", name);
  }

  /** A CA with RSA 2048 keys. */
  public static TestPki rsa(String name) {
    return new TestPki("RSA", name);
  }

  public X509Certificate caCertificate() {
    return caCertificate;
  }

  public Path writeCa(Path file) {
    write(file, pem(caCertificate));
    return file;
  }

  /**
   * A leaf certificate for {@code usage} naming {@code names}: an IP literal becomes an IP SAN, a
   * value with {@code ://} a URI SAN, anything else a DNS SAN; the first is also the subject's CN.
   */
  public Issued issue(Usage usage, String... names) {
    return issue(usage, Duration.ofDays(1), names);
  }

  public Issued issue(Usage usage, Duration validity, String... names) {
    KeyPair keys = generate(algorithm);
    X509Certificate certificate =
        sign(new X500Name("CN=" + names[0]), keys, validity, false, usage, List.of(names));
    return new Issued(certificate, keys);
  }

  private X509Certificate sign(
      X500Name subject,
      KeyPair subjectKeys,
      Duration validity,
      boolean ca,
      Usage usage,
      List<String> names) {
    Instant now = Instant.now();
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              ca ? subject : caName,
              BigInteger.valueOf(SERIALS.incrementAndGet()),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(validity)),
              subject,
              subjectKeys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        builder.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(
            Extension.keyUsage,
            true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        builder.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(
                usage == Usage.SERVER
                    ? KeyPurposeId.id_kp_serverAuth
                    : KeyPurposeId.id_kp_clientAuth));
        builder.addExtension(Extension.subjectAlternativeName, false, generalNames(names));
      }
      ContentSigner signer =
          new JcaContentSignerBuilder(algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA")
              .build(ca ? subjectKeys.getPrivate() : caKeys.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (Exception e) {
      throw new IllegalStateException("cannot issue a test certificate", e);
    }
  }

  private static GeneralNames generalNames(List<String> names) {
    List<GeneralName> general = new ArrayList<>();
    for (String name : names) {
      int type =
          name.contains("://")
              ? GeneralName.uniformResourceIdentifier
              : name.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName;
      general.add(new GeneralName(type, name));
    }
    return new GeneralNames(general.toArray(GeneralName[]::new));
  }

  private static KeyPair generate(String algorithm) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) {
        generator.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        generator.initialize(2048);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String pkcs8(KeyPair keys) {
    try {
      return pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * SEC1 with the curve named inside, as openssl and cert-manager write it (a JDK key converted
   * as-is would leave the curve out, and no reader could use it).
   */
  private static String sec1(KeyPair keys) {
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
      ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
      ECPrivateKey named =
          new ECPrivateKey(
              256,
              inner.getKey(),
              inner.getPublicKey(),
              info.getPrivateKeyAlgorithm().getParameters());
      return pem(new PemObject("EC PRIVATE KEY", named.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
