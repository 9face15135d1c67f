package io.attache.controlplane.source;

import io.attache.controlplane.model.TlsSecret;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a v1 Secret of type {@code kubernetes.io/tls} and turns it into a {@link TlsSecret}:
 * {@code tls.crt} must be a PEM chain of X.509 certificates, {@code tls.key} one unencrypted PEM
 * private key that belongs to the first certificate. Reads {@code data} (base64, as the API serves
 * it) and, for YAML files, {@code stringData}, which wins as the API server's merge would. Errors
 * name the field and never quote its value.
 */
final class TlsSecretConverter {
  static final String TLS_TYPE = "kubernetes.io/tls";
  static final String CERTIFICATE_KEY = "tls.crt";
  static final String PRIVATE_KEY_KEY = "tls.key";

  private TlsSecretConverter() {}

  /** Whether this Secret holds a certificate and key for TLS; other Secrets are none of ours. */
  static boolean isTls(Secret secret) {
    return TLS_TYPE.equals(secret.getType());
  }

  static Optional<TlsSecret> convert(Secret secret, DocumentErrors errors) {
    String name = Metadata.name(secret, errors);
    Optional<Entry> chain = entry(secret, CERTIFICATE_KEY, errors);
    Optional<Entry> key = entry(secret, PRIVATE_KEY_KEY, errors);
    Optional<List<Certificate>> certificates = chain.flatMap(c -> certificates(c, errors));
    Optional<PrivateKey> privateKey = key.flatMap(k -> privateKey(k, errors));
    if (name == null || certificates.isEmpty() || privateKey.isEmpty()) {
      return Optional.empty();
    }
    boolean mismatch =
        !PrivateKeys.matches(privateKey.get(), certificates.get().get(0).getPublicKey())
            .orElse(true);
    if (mismatch) {
      errors.add(
          key.get().field(),
          "the private key does not belong to the first certificate of " + chain.get().field());
      return Optional.empty();
    }
    return Optional.of(
        new TlsSecret(Metadata.namespace(secret), name, chain.get().text(), key.get().text()));
  }

  /** One value of the Secret as text, and the field it came from. */
  private record Entry(String field, String text) {}

  private static Optional<Entry> entry(Secret secret, String key, DocumentErrors errors) {
    String fromStringData = orEmpty(secret.getStringData()).get(key);
    if (fromStringData != null) {
      return Optional.of(new Entry("stringData[" + key + "]", fromStringData));
    }
    String field = "data[" + key + "]";
    String encoded = orEmpty(secret.getData()).get(key);
    if (encoded == null || encoded.isBlank()) {
      errors.add(field, "required in a " + TLS_TYPE + " Secret");
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Entry(
              field,
              new String(
                  Base64.getDecoder().decode(encoded.replaceAll("\\s", "")),
                  StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      errors.add(field, "not valid base64");
      return Optional.empty();
    }
  }

  private static Optional<List<Certificate>> certificates(Entry chain, DocumentErrors errors) {
    try {
      return Optional.of(certificates(chain.text()));
    } catch (IllegalArgumentException e) {
      errors.add(chain.field(), e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The X.509 certificates of PEM text.
   *
   * @throws IllegalArgumentException naming the first block that is not one (never its content)
   */
  static List<Certificate> certificates(String pem) {
    List<Certificate> certificates = new ArrayList<>();
    List<PemBlocks.Block> blocks = PemBlocks.parse(pem);
    for (int i = 0; i < blocks.size(); i++) {
      PemBlocks.Block block = blocks.get(i);
      if (!block.type().equals("CERTIFICATE")) {
        throw new IllegalArgumentException(
            "PEM block "
                + (i + 1)
                + " is "
                + block.type()
                + "; only CERTIFICATE blocks belong here");
      }
      try {
        certificates.add(
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(block.der())));
      } catch (CertificateException e) {
        throw new IllegalArgumentException(
            "PEM block " + (i + 1) + " is not a valid X.509 certificate");
      }
    }
    return certificates;
  }

  private static Optional<PrivateKey> privateKey(Entry key, DocumentErrors errors) {
    try {
      List<PemBlocks.Block> blocks = PemBlocks.parse(key.text());
      if (blocks.size() != 1) {
        errors.add(
            key.field(), "must hold one PEM private key, holds " + blocks.size() + " blocks");
        return Optional.empty();
      }
      return Optional.of(PrivateKeys.read(blocks.get(0)));
    } catch (IllegalArgumentException e) {
      errors.add(key.field(), e.getMessage());
      return Optional.empty();
    }
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
