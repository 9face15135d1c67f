package io.attache.ratelimit.store;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How to reach Redis over TLS, with the reference's variables (envoyproxy/ratelimit {@code
 * src/settings/settings.go}, applied by {@code utils.TlsConfigFromFiles}).
 *
 * @param enabled {@code REDIS_TLS}
 * @param ca {@code REDIS_TLS_CACERT}: the CAs to trust; the JVM's own when absent
 * @param clientCertificate {@code REDIS_TLS_CLIENT_CERT}: presented when Redis asks ({@code
 *     tls-auth-clients}), with
 * @param clientKey {@code REDIS_TLS_CLIENT_KEY}
 * @param skipHostnameVerification {@code REDIS_TLS_SKIP_HOSTNAME_VERIFICATION}: the chain is still
 *     verified against the CAs, the name in it is not
 */
public record RedisTls(
    boolean enabled,
    Optional<Path> ca,
    Optional<Path> clientCertificate,
    Optional<Path> clientKey,
    boolean skipHostnameVerification) {
  public static final RedisTls OFF =
      new RedisTls(false, Optional.empty(), Optional.empty(), Optional.empty(), false);

  public RedisTls {
    if (clientCertificate.isPresent() != clientKey.isPresent()) {
      throw new IllegalArgumentException(
          "a client certificate needs its key, and a key its certificate");
    }
  }

  /** TLS trusting the JVM's CAs, verifying the hostname, presenting nothing. */
  public static RedisTls on() {
    return new RedisTls(true, Optional.empty(), Optional.empty(), Optional.empty(), false);
  }
}
