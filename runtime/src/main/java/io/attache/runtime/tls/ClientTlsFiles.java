package io.attache.runtime.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * JSSE factories from PEM files, for clients of a backend (Redis) that take them: the CAs to trust
 * and the certificate to present. Keys in any encoding {@link PemFiles} reads.
 */
public final class ClientTlsFiles {
  private static final char[] IN_MEMORY = "in-memory".toCharArray();

  private ClientTlsFiles() {}

  /** Trusts the certificates of {@code caFile} (a CA or a bundle). */
  public static TrustManagerFactory trusting(Path caFile) throws TlsFileException {
    List<X509Certificate> authorities = PemFiles.certificates(caFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < authorities.size(); i++) {
        store.setCertificateEntry("ca-" + i, authorities.get(i));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory;
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new TlsFileException(caFile, "unusable as trusted CAs: " + e.getMessage());
    }
  }

  /** Presents the certificate chain of {@code certificateFile} with the key of {@code keyFile}. */
  public static KeyManagerFactory presenting(Path certificateFile, Path keyFile)
      throws TlsFileException {
    List<X509Certificate> chain = PemFiles.certificates(certificateFile);
    PrivateKey key = PemFiles.privateKey(keyFile);
    PemFiles.requireMatching(key, chain, keyFile, certificateFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("client", key, IN_MEMORY, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, IN_MEMORY);
      return factory;
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new TlsFileException(keyFile, "unusable as a client identity: " + e.getMessage());
    }
  }
}
