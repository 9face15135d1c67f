package io.attache.testsupport.tls;

import io.attache.testsupport.tls.TestPki.Issued;
import io.attache.testsupport.tls.TestPki.Usage;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One test CA, a server certificate for {@code localhost} and {@code 127.0.0.1} and a client
 * certificate, written to a directory: the service's TLS variables and the clients that pass its
 * checks (a grpc-java channel, a JDK {@link SSLContext}).
 */
public final class MutualTls {
  private final TestPki pki = TestPki.ec("attache-test-ca");
  private final Path ca;
  private final Path serverCertificate;
  private final Path serverKey;
  private final Path clientCertificate;
  private final Path clientKey;
  private final Issued client;

  /** Issues the certificates; the client's names are {@code clientNames} (the first is its CN). */
  public MutualTls(Path directory, String... clientNames) {
    ca = pki.writeCa(directory.resolve("ca.crt"));
    serverKey = directory.resolve("server.key");
    serverCertificate =
        pki.issue(Usage.SERVER, "localhost", "127.0.0.1")
            .writeTo(directory.resolve("server.crt"), serverKey);
    client = pki.issue(Usage.CLIENT, clientNames);
    clientKey = directory.resolve("client.key");
    clientCertificate = client.writeTo(directory.resolve("client.crt"), clientKey);
  }

  public TestPki pki() {
    return pki;
  }

  public Path ca() {
    return ca;
  }

  public Path clientCertificate() {
    return clientCertificate;
  }

  public Path clientKey() {
    return clientKey;
  }

  /** {@code GRPC_SERVER_USE_TLS} and its files, requiring a client certificate from the CA. */
  public Map<String, String> serverSettings() {
    Map<String, String> env = new HashMap<>();
    env.put("GRPC_SERVER_USE_TLS", "true");
    env.put("GRPC_SERVER_TLS_CERT", serverCertificate.toString());
    env.put("GRPC_SERVER_TLS_KEY", serverKey.toString());
    env.put("GRPC_CLIENT_TLS_CACERT", ca.toString());
    return env;
  }

  /** A channel to {@code localhost:port} that trusts the CA and presents the client certificate. */
  public ManagedChannel channel(int port) {
    try {
      TlsChannelCredentials.Builder credentials =
          TlsChannelCredentials.newBuilder()
              .trustManager(ca.toFile())
              .keyManager(clientCertificate.toFile(), clientKey.toFile());
      return Grpc.newChannelBuilderForAddress("localhost", port, credentials.build()).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** For JDK HTTP clients: trusts the CA, presents the client certificate. */
  public SSLContext clientContext() {
    return clientContext(true);
  }

  /** For JDK HTTP clients: trusts the CA, presents no certificate. */
  public SSLContext clientContextWithoutCertificate() {
    return clientContext(false);
  }

  private SSLContext clientContext(boolean presentCertificate) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", pki.caCertificate());
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      KeyStore identity = KeyStore.getInstance("PKCS12");
      identity.load(null, null);
      char[] password = "test".toCharArray();
      identity.setKeyEntry(
          "client",
          client.keys().getPrivate(),
          password,
          new Certificate[] {client.certificate(), pki.caCertificate()});
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(identity, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          presentCertificate ? keyManagers.getKeyManagers() : null,
          trustManagers.getTrustManagers(),
          null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException("cannot build a client TLS context", e);
    }
  }
}
