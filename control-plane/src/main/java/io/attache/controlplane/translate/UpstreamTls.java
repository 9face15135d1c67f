package io.attache.controlplane.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
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

  /**
   * Envoy's UpstreamTlsContext for reaching {@code host}: SNI and a SAN check for it (a DNS name,
   * or an IP address), ALPN {@code h2} (gRPC), the CA to trust and, for mutual TLS, the certificate
   * to present. Used by the control plane's service clusters and by {@code attache
   * envoy-bootstrap}.
   */
  public TransportSocket transportSocket(String host) {
    boolean ip = host.matches("[0-9.]+") || host.contains(":");
    CommonTlsContext.Builder common =
        CommonTlsContext.newBuilder()
            .addAlpnProtocols("h2")
            .setValidationContext(
                CertificateValidationContext.newBuilder()
                    .setTrustedCa(DataSource.newBuilder().setFilename(caFile))
                    .addMatchTypedSubjectAltNames(
                        SubjectAltNameMatcher.newBuilder()
                            .setSanType(
                                ip
                                    ? SubjectAltNameMatcher.SanType.IP_ADDRESS
                                    : SubjectAltNameMatcher.SanType.DNS)
                            .setMatcher(StringMatcher.newBuilder().setExact(host))));
    if (certificateFile.isPresent()) {
      common.addTlsCertificates(
          TlsCertificate.newBuilder()
              .setCertificateChain(DataSource.newBuilder().setFilename(certificateFile.get()))
              .setPrivateKey(DataSource.newBuilder().setFilename(keyFile.orElseThrow())));
    }
    UpstreamTlsContext context =
        UpstreamTlsContext.newBuilder().setSni(host).setCommonTlsContext(common).build();
    return TransportSocket.newBuilder()
        .setName("envoy.transport_sockets.tls")
        .setTypedConfig(Any.pack(context))
        .build();
  }
}
