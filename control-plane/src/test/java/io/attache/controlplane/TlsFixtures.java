package io.attache.controlplane;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Test certificates and keys for {@code store.example.com} (see {@code tls/README.md} in the test
 * resources), and Kubernetes TLS Secrets holding them. They protect nothing.
 */
public final class TlsFixtures {
  /** An RSA certificate; its key is PKCS#1 ({@code RSA PRIVATE KEY}). */
  public static final String RSA_CERT = read("shop-rsa.crt");

  public static final String RSA_KEY = read("shop-rsa.key");

  /** An EC P-256 certificate; its key is SEC1 ({@code EC PRIVATE KEY}). */
  public static final String EC_CERT = read("shop-ec.crt");

  public static final String EC_KEY = read("shop-ec.key");

  /** {@link #EC_KEY} as PKCS#8 ({@code PRIVATE KEY}). */
  public static final String EC_KEY_PKCS8 = read("shop-ec-pkcs8.key");

  private TlsFixtures() {}

  /** A v1 Secret of type kubernetes.io/tls with {@code cert} and {@code key} in {@code data}. */
  public static String secretYaml(String namespace, String name, String cert, String key) {
    return """
        apiVersion: v1
        kind: Secret
        metadata: {name: %s, namespace: %s}
        type: kubernetes.io/tls
        data:
          tls.crt: %s
          tls.key: %s
        """
        .formatted(name, namespace, base64(cert), base64(key));
  }

  public static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String read(String file) {
    try (InputStream in = TlsFixtures.class.getResourceAsStream("/tls/" + file)) {
      if (in == null) {
        throw new IllegalStateException("test resource tls/" + file + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
