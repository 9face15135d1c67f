package io.attache.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.TlsFixtures;
import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.TlsSecret;
import io.attache.controlplane.translate.Translator;
import io.attache.controlplane.translate.XdsResources;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@code attache translate} and {@code /config_dump} print for TLS. */
class XdsJsonTest {
  private static final XdsResources TLS =
      new Translator()
          .translate(
              new ClusterState(
                  List.of(),
                  List.of(),
                  List.of(
                      new GatewayState(
                          "shop",
                          "edge",
                          1,
                          List.of(
                              new GatewayState.Listener(
                                  "store",
                                  8443,
                                  GatewayState.Protocol.HTTPS,
                                  Optional.of("store.example.com"),
                                  false,
                                  List.of("shop/store-cert"))))),
                  List.of(),
                  List.of(),
                  List.of(),
                  List.of(
                      new TlsSecret(
                          "shop", "store-cert", TlsFixtures.RSA_CERT, TlsFixtures.RSA_KEY))));

  @Test
  void aTlsListenerPrintsItsTransportSocketAndInspector() {
    String json = XdsJson.pretty(XdsJson.byType(TLS).getAsJsonArray("listeners"));

    assertThat(json)
        .contains(
            "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext")
        .contains(
            "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector")
        .contains("\"tlsCertificateSdsSecretConfigs\"");
  }

  @Test
  void aSecretPrintsItsCertificateAndARedactedKey() {
    String json = XdsJson.pretty(XdsJson.byType(TLS).getAsJsonArray("secrets"));

    assertThat(json)
        .contains("shop/store-cert")
        .contains("[redacted]")
        .contains("BEGIN CERTIFICATE")
        .doesNotContain("PRIVATE KEY");
  }

  /** A TLSRoute's or TCPRoute's listener packs a TCP proxy: /config_dump and translate print it. */
  @Test
  void aTcpProxyListenerPrints() {
    io.envoyproxy.envoy.config.listener.v3.Listener listener =
        io.envoyproxy.envoy.config.listener.v3.Listener.newBuilder()
            .setName("shop/edge:5432")
            .addFilterChains(
                io.envoyproxy.envoy.config.listener.v3.FilterChain.newBuilder()
                    .addFilters(
                        io.envoyproxy.envoy.config.listener.v3.Filter.newBuilder()
                            .setName("envoy.filters.network.tcp_proxy")
                            .setTypedConfig(
                                com.google.protobuf.Any.pack(
                                    io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3
                                        .TcpProxy.newBuilder()
                                        .setStatPrefix("db")
                                        .setCluster("shop/db:pg")
                                        .build()))))
            .build();

    assertThat(XdsJson.pretty(XdsJson.toJson(listener))).contains("\"cluster\": \"shop/db:pg\"");
  }
}
