package io.attache.runtime.tls;

import io.attache.runtime.Settings;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS, and with a client CA mutual TLS, for a service's servers, configured by the reference
 * rate-limit service's variables (envoyproxy/ratelimit {@code src/settings/settings.go}): {@code
 * GRPC_SERVER_USE_TLS}, {@code GRPC_SERVER_TLS_CERT} and {@code GRPC_SERVER_TLS_KEY} (PEM files),
 * {@code GRPC_CLIENT_TLS_CACERT} (require a client certificate issued by this CA) and {@code
 * GRPC_CLIENT_TLS_SAN} (and naming this, see {@link ClientSan}). With TLS on, a port speaks nothing
 * else: a plaintext client fails its handshake. The files are read again every {@code
 * ATTACHE_TLS_RELOAD_INTERVAL} (5s) and a change applies to new connections ({@link
 * ReloadingCredentials}).
 *
 * <p>One instance serves every port of a service (ext-authz's gRPC and HTTP ports share it), and
 * the service's host closes it.
 */
public final class ServerTls implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

  /** Where the credentials are. */
  record Files(Path certificate, Path key, Optional<Path> clientCa, Optional<ClientSan> clientSan) {
    String describe() {
      return certificate + ", " + key + clientCa.map(ca -> ", " + ca).orElse("");
    }
  }

  private final ReloadingCredentials credentials;
  private final Duration reloadInterval;

  private ServerTls(ReloadingCredentials credentials, Duration reloadInterval) {
    this.credentials = credentials;
    this.reloadInterval = reloadInterval;
  }

  /**
   * The TLS the variables ask for, or empty for plaintext. A missing or unreadable file, or a SAN
   * without a CA to check it against, is reported through {@link Settings#validate()}, naming the
   * variable and the file.
   */
  public static Optional<ServerTls> fromSettings(Settings settings) {
    boolean enabled = settings.bool("GRPC_SERVER_USE_TLS", false);
    Optional<String> certificate = settings.optional("GRPC_SERVER_TLS_CERT");
    Optional<String> key = settings.optional("GRPC_SERVER_TLS_KEY");
    Optional<String> clientCa = settings.optional("GRPC_CLIENT_TLS_CACERT");
    Optional<String> clientSan = settings.optional("GRPC_CLIENT_TLS_SAN");
    Duration interval = settings.duration("ATTACHE_TLS_RELOAD_INTERVAL", Duration.ofSeconds(5));
    if (!enabled) {
      if (certificate.isPresent() || clientCa.isPresent()) {
        log.warn(
            "GRPC_SERVER_TLS_* / GRPC_CLIENT_TLS_* are set but GRPC_SERVER_USE_TLS is not:"
                + " serving plaintext");
      }
      return Optional.empty();
    }
    if (certificate.isEmpty()) {
      settings.reject("GRPC_SERVER_TLS_CERT", "required when GRPC_SERVER_USE_TLS is true");
    }
    if (key.isEmpty()) {
      settings.reject("GRPC_SERVER_TLS_KEY", "required when GRPC_SERVER_USE_TLS is true");
    }
    if (clientSan.isPresent() && clientCa.isEmpty()) {
      // The reference then asks for no client certificate, so the SAN would check nothing.
      settings.reject(
          "GRPC_CLIENT_TLS_SAN",
          "needs GRPC_CLIENT_TLS_CACERT: without a client CA no client certificate is asked for");
    }
    if (certificate.isEmpty() || key.isEmpty() || (clientSan.isPresent() && clientCa.isEmpty())) {
      return Optional.empty();
    }
    Files files =
        new Files(
            Path.of(certificate.get()),
            Path.of(key.get()),
            clientCa.map(Path::of),
            clientSan.map(ClientSan::new));
    try {
      return Optional.of(new ServerTls(new ReloadingCredentials(files), interval));
    } catch (TlsFileException e) {
      settings.reject(variableOf(files, e.file()), e.reason());
      return Optional.empty();
    }
  }

  private static String variableOf(Files files, Path file) {
    if (file.equals(files.key())) {
      return "GRPC_SERVER_TLS_KEY";
    }
    if (files.clientCa().isPresent() && file.equals(files.clientCa().get())) {
      return "GRPC_CLIENT_TLS_CACERT";
    }
    return "GRPC_SERVER_TLS_CERT";
  }

  /** Whether clients must present a certificate. */
  public boolean mutual() {
    return credentials.trustManager().isPresent();
  }

  /** For a gRPC server (grpc-java negotiates ALPN {@code h2} itself). */
  public ServerCredentials grpcCredentials() {
    TlsServerCredentials.Builder builder =
        TlsServerCredentials.newBuilder().keyManager(credentials.keyManager());
    credentials
        .trustManager()
        .ifPresent(
            trust ->
                builder.trustManager(trust).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE));
    return builder.build();
  }

  /** For a Netty HTTP/1.1 server (ext-authz's HTTP mode). */
  public SslContext httpSslContext() {
    SslContextBuilder builder = SslContextBuilder.forServer(credentials.keyManager());
    credentials
        .trustManager()
        .ifPresent(trust -> builder.trustManager(trust).clientAuth(ClientAuth.REQUIRE));
    try {
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build a TLS context", e);
    }
  }

  /**
   * Starts watching the files, and reports on {@code registry}: {@code
   * attache_tls_certificate_expiry_seconds} (when the certificate in use expires, as a Unix time;
   * alert well before it) and {@code attache_tls_reloads_total{result}}.
   */
  public void start(MeterRegistry registry) {
    Gauge.builder("attache.tls.certificate.expiry", credentials, c -> c.notAfter().getEpochSecond())
        .description("when the serving certificate in use expires, in seconds since the epoch")
        .baseUnit("seconds")
        .register(registry);
    FunctionCounter.builder("attache.tls.reloads", credentials, ReloadingCredentials::reloads)
        .description("changed certificate files installed, or refused (the old ones stay)")
        .tag("result", "success")
        .register(registry);
    FunctionCounter.builder("attache.tls.reloads", credentials, ReloadingCredentials::failures)
        .description("changed certificate files installed, or refused (the old ones stay)")
        .tag("result", "error")
        .register(registry);
    credentials.startPolling(reloadInterval);
  }

  /** Reads the files now (tests; the poller does this every interval). */
  void reloadNow() {
    credentials.poll();
  }

  @Override
  public void close() {
    credentials.close();
  }
}
