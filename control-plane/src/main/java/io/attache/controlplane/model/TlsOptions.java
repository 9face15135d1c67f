package io.attache.controlplane.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an HTTPS Gateway listener's {@code tls.options} ask of the TLS it terminates, Attaché's
 * implementation-specific keys (apis/v1/gateway_types.go, GatewayTLSConfig.options): protocol
 * versions, cipher suites, ECDH curves and ALPN, for Envoy's DownstreamTlsContext. Empty values
 * leave Envoy's defaults.
 *
 * @param minVersion {@code 1.0} to {@code 1.3}
 * @param alpn the protocols offered in ALPN, in order; empty for Attaché's {@code h2,http/1.1}
 */
public record TlsOptions(
    Optional<String> minVersion,
    Optional<String> maxVersion,
    List<String> cipherSuites,
    List<String> ecdhCurves,
    List<String> alpn) {
  public static final TlsOptions DEFAULTS =
      new TlsOptions(Optional.empty(), Optional.empty(), List.of(), List.of(), List.of());

  public static final String MIN_VERSION = "attache.io/min-tls-version";
  public static final String MAX_VERSION = "attache.io/max-tls-version";
  public static final String CIPHER_SUITES = "attache.io/cipher-suites";
  public static final String ECDH_CURVES = "attache.io/ecdh-curves";
  public static final String ALPN = "attache.io/alpn-protocols";

  /** The versions an option may name, as Envoy's TlsParameters has them. */
  public static final List<String> VERSIONS = List.of("1.0", "1.1", "1.2", "1.3");

  public TlsOptions {
    Objects.requireNonNull(minVersion, "minVersion");
    Objects.requireNonNull(maxVersion, "maxVersion");
    cipherSuites = List.copyOf(cipherSuites);
    ecdhCurves = List.copyOf(ecdhCurves);
    alpn = List.copyOf(alpn);
  }
}
