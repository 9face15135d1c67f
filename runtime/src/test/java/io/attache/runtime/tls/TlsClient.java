package io.attache.runtime.tls;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A real grpc-java TLS client for the tests: trusts one CA, may present a client certificate, and
 * records the serial of every server certificate it is shown, one per handshake.
 */
final class TlsClient implements AutoCloseable {
  final List<BigInteger> serverSerials = new CopyOnWriteArrayList<>();
  private final ManagedChannel channel;

  TlsClient(int port, X509Certificate ca, Optional<Path[]> clientCertificateAndKey) {
    TlsChannelCredentials.Builder credentials =
        TlsChannelCredentials.newBuilder().trustManager(new Recording(trusting(ca)));
    clientCertificateAndKey.ifPresent(
        files -> {
          try {
            credentials.keyManager(files[0].toFile(), files[1].toFile());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    ChannelCredentials built = credentials.build();
    channel = Grpc.newChannelBuilderForAddress("localhost", port, built).build();
  }

  /** One health check; throws the call's failure. */
  ServingStatus check() {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }

  private static X509TrustManager trusting(X509Certificate ca) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry("ca", ca);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return (X509TrustManager) factory.getTrustManagers()[0];
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private final class Recording implements X509TrustManager {
    private final X509TrustManager delegate;

    Recording(X509TrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      serverSerials.add(chain[0].getSerialNumber());
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }
}
