package io.attache.controlplane.translate;

import java.util.Objects;
import java.util.Optional;

/**
 * How Envoy reaches ext-authz and ratelimit-service when they serve TLS ({@code
 * GRPC_SERVER_USE_TLS}): files on Envoy's own filesystem, which Envoy reads when it takes the
 * cluster.
 *
 * @param caFile the CA that signed the services' certificates
 * @param certificateFile the certificate Envoy presents, for services with {@code
 *     GRPC_CLIENT_TLS_CACERT}
 * @param keyFile its private key
 */
public record UpstreamTls(
    String caFile, Optional<String> certificateFile, Optional<String> keyFile) {
  public UpstreamTls {
    Objects.requireNonNull(caFile, "caFile");
    if (certificateFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException(
          "a client certificate needs its key, and a key its certificate");
    }
  }
}
