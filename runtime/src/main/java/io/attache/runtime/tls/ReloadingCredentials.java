package io.attache.runtime.tls;

import io.attache.runtime.DaemonThreads;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's certificate, key and (for mTLS) client CA, read from files and read again whenever
 * they change: cert-manager renews a certificate by rewriting its Secret, and the kubelet swaps the
 * mounted files in place. New handshakes use the new files; connections already open keep theirs,
 * so a renewal drops nothing. Files that do not parse, or a key that does not belong to the
 * certificate, are logged once and counted, and the last good credentials stay in use.
 *
 * <p>Polling, not file-system events, for the reason {@link io.attache.runtime.WatchedDirectory}
 * gives: a Secret volume changes by a symlink swap that watches on the files themselves miss.
 */
final class ReloadingCredentials implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReloadingCredentials.class);

  private final ServerTls.Files files;
  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
  private final Optional<AdvancedTlsX509TrustManager> trustManager;
  private final AtomicLong reloads = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile Instant notAfter = Instant.EPOCH;
  private List<byte[]> loaded = List.of();
  private List<byte[]> refused = List.of();
  private ScheduledExecutorService poller;

  /** Reads the files once; a problem with any of them is thrown, naming the file. */
  ReloadingCredentials(ServerTls.Files files) throws TlsFileException {
    this.files = files;
    this.trustManager = files.clientCa().map(ca -> trustManager(files.clientSan()));
    List<byte[]> contents = readAll();
    install(contents);
    loaded = contents;
  }

  AdvancedTlsX509KeyManager keyManager() {
    return keyManager;
  }

  Optional<AdvancedTlsX509TrustManager> trustManager() {
    return trustManager;
  }

  long reloads() {
    return reloads.get();
  }

  long failures() {
    return failures.get();
  }

  /** When the certificate in use expires. */
  Instant notAfter() {
    return notAfter;
  }

  synchronized void startPolling(Duration interval) {
    if (poller != null) {
      return;
    }
    poller = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("attache-tls-reload"));
    long millis = Math.max(50, interval.toMillis());
    poller.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Installs the files if they changed since they were last read. */
  synchronized void poll() {
    List<byte[]> contents;
    try {
      contents = readAll();
    } catch (TlsFileException e) {
      refuse(List.of(), e); // mid-swap, or gone: the last good credentials stay
      return;
    }
    if (same(contents, loaded) || same(contents, refused)) {
      return;
    }
    try {
      install(contents);
      loaded = contents;
      refused = List.of();
      reloads.incrementAndGet();
      log.info("TLS: reloaded {}; the certificate expires {}", files.describe(), notAfter);
    } catch (TlsFileException e) {
      refuse(contents, e);
    }
  }

  private void refuse(List<byte[]> contents, TlsFileException e) {
    failures.incrementAndGet();
    if (!same(contents, refused) || contents.isEmpty()) {
      log.error("TLS: keeping the credentials in use: {}", e.getMessage());
    }
    refused = contents;
  }

  private List<byte[]> readAll() throws TlsFileException {
    byte[] certificate = PemFiles.read(files.certificate());
    byte[] key = PemFiles.read(files.key());
    byte[] ca = files.clientCa().isPresent() ? PemFiles.read(files.clientCa().get()) : new byte[0];
    return List.of(certificate, key, ca);
  }

  private void install(List<byte[]> contents) throws TlsFileException {
    List<X509Certificate> chain = PemFiles.certificates(files.certificate(), contents.get(0));
    PrivateKey key = PemFiles.privateKey(files.key(), contents.get(1));
    PemFiles.requireMatching(key, chain, files.key(), files.certificate());
    Optional<List<X509Certificate>> authorities = Optional.empty();
    if (files.clientCa().isPresent()) {
      authorities = Optional.of(PemFiles.certificates(files.clientCa().get(), contents.get(2)));
    }
    keyManager.updateIdentityCredentials(chain.toArray(X509Certificate[]::new), key);
    if (authorities.isPresent()) {
      try {
        trustManager
            .orElseThrow()
            .updateTrustCredentials(authorities.get().toArray(X509Certificate[]::new));
      } catch (java.io.IOException | java.security.GeneralSecurityException e) {
        throw new TlsFileException(files.clientCa().get(), "unusable: " + e.getMessage());
      }
    }
    notAfter = chain.get(0).getNotAfter().toInstant();
  }

  private static boolean same(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static AdvancedTlsX509TrustManager trustManager(Optional<ClientSan> san) {
    AdvancedTlsX509TrustManager.Builder builder =
        AdvancedTlsX509TrustManager.newBuilder()
            .setVerification(
                AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION);
    san.ifPresent(name -> builder.setSslSocketAndEnginePeerVerifier(new SanVerifier(name)));
    try {
      return builder.build();
    } catch (CertificateException e) {
      throw new IllegalStateException("cannot build a trust manager", e);
    }
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }

  /** Refuses a verified client chain whose leaf does not carry the expected name. */
  private record SanVerifier(ClientSan san)
      implements AdvancedTlsX509TrustManager.SslSocketAndEnginePeerVerifier {
    @Override
    public void verifyPeerCertificate(
        X509Certificate[] chain, String authType, java.net.Socket socket)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void verifyPeerCertificate(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain);
    }

    private void check(X509Certificate[] chain) throws CertificateException {
      if (chain == null || chain.length == 0 || !san.matches(chain[0])) {
        throw new CertificateException(
            "the client certificate does not name " + san.expected() + " (GRPC_CLIENT_TLS_SAN)");
      }
    }
  }
}
