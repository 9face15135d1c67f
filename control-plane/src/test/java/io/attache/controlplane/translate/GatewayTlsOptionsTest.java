package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.TlsFixtures;
import io.attache.controlplane.source.ParseResult;
import io.attache.controlplane.source.ResourceError;
import io.attache.controlplane.source.ResourceParser;
import io.attache.runtime.WatchedDirectory;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An HTTPS listener's {@code tls.options} (apis/v1/gateway_types.go GatewayTLSConfig.options,
 * implementation-specific keys): Attaché's keys set Envoy's TLS parameters and ALPN for that
 * listener's filter chain; a key it does not know refuses the listener (Accepted=False,
 * UnsupportedValue), naming it.
 */
class GatewayTlsOptionsTest {
  private static String gateway(String options) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: shop}
        spec:
          gatewayClassName: attache
          listeners:
            - name: store
              port: 8443
              protocol: HTTPS
              hostname: store.example.com
              tls: {certificateRefs: [{name: store-cert}], options: {%s}}
        ---
        """
            .formatted(options)
        + TlsFixtures.secretYaml("shop", "store-cert", TlsFixtures.RSA_CERT, TlsFixtures.RSA_KEY);
  }

  private static ParseResult parse(String yaml) {
    return new ResourceParser().parse(List.of(new WatchedDirectory.File("g.yaml", yaml)));
  }

  @Test
  void optionsSetTheListenersTlsParametersAndAlpn() throws Exception {
    ParseResult result =
        parse(
            gateway(
                "attache.io/min-tls-version: '1.2', attache.io/max-tls-version: '1.3',"
                    + " attache.io/cipher-suites: 'ECDHE-ECDSA-AES128-GCM-SHA256,"
                    + " ECDHE-RSA-AES128-GCM-SHA256', attache.io/ecdh-curves: X25519,"
                    + " attache.io/alpn-protocols: http/1.1"));
    assertThat(result).as(result.toString()).isInstanceOf(ParseResult.Parsed.class);
    XdsResources xds = new Translator().translate(((ParseResult.Parsed) result).state());

    DownstreamTlsContext tls =
        xds.listeners().stream()
            .filter(l -> l.getName().equals("shop/edge:8443"))
            .findFirst()
            .orElseThrow()
            .getFilterChains(0)
            .getTransportSocket()
            .getTypedConfig()
            .unpack(DownstreamTlsContext.class);
    TlsParameters parameters = tls.getCommonTlsContext().getTlsParams();
    assertThat(parameters.getTlsMinimumProtocolVersion())
        .isEqualTo(TlsParameters.TlsProtocol.TLSv1_2);
    assertThat(parameters.getTlsMaximumProtocolVersion())
        .isEqualTo(TlsParameters.TlsProtocol.TLSv1_3);
    assertThat(parameters.getCipherSuitesList())
        .containsExactly("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256");
    assertThat(parameters.getEcdhCurvesList()).containsExactly("X25519");
    assertThat(tls.getCommonTlsContext().getAlpnProtocolsList()).containsExactly("http/1.1");
  }

  private static DownstreamTlsContext downstreamTls(ParseResult result) throws Exception {
    return new Translator()
        .translate(((ParseResult.Parsed) result).state())
        .listeners()
        .get(0)
        .getFilterChains(0)
        .getTransportSocket()
        .getTypedConfig()
        .unpack(DownstreamTlsContext.class);
  }

  @Test
  void withoutOptionsEnvoysDefaultsStand() throws Exception {
    ParseResult result = parse(gateway(""));

    DownstreamTlsContext tls = downstreamTls(result);
    assertThat(tls.getCommonTlsContext().hasTlsParams()).isFalse();
    assertThat(tls.getCommonTlsContext().getAlpnProtocolsList()).containsExactly("h2", "http/1.1");
  }

  @Test
  void alpnAloneSetsNoTlsParameters() throws Exception {
    ParseResult result = parse(gateway("attache.io/alpn-protocols: http/1.1"));

    DownstreamTlsContext tls = downstreamTls(result);
    assertThat(tls.getCommonTlsContext().hasTlsParams()).isFalse();
    assertThat(tls.getCommonTlsContext().getAlpnProtocolsList()).containsExactly("http/1.1");
  }

  @Test
  void anOptionAttacheDoesNotKnowOrABadValueIsNamed() {
    ParseResult result =
        parse(
            gateway(
                "example.com/tuning: fast, attache.io/min-tls-version: v1.2,"
                    + " attache.io/cipher-suites: 'A,,B'"));
    ParseResult values =
        parse(
            gateway(
                "attache.io/max-tls-version: '1.1', attache.io/cipher-suites:"
                    + " '[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305],"
                    + " NOT-A-CIPHER, TLS_AES_128_GCM_SHA256', attache.io/ecdh-curves: 'X25519, bogus'"));

    assertThat(((ParseResult.Invalid) values).errors())
        .extracting(ResourceError::toString)
        .containsExactlyInAnyOrder(
            "g.yaml (document 1) spec.listeners[0].tls.options[attache.io/max-tls-version]: is"
                + " below Envoy's default minimum, 1.2: set attache.io/min-tls-version too",
            "g.yaml (document 1) spec.listeners[0].tls.options[attache.io/cipher-suites]:"
                + " NOT-A-CIPHER is not a suite Envoy knows",
            "g.yaml (document 1) spec.listeners[0].tls.options[attache.io/cipher-suites]:"
                + " TLS_AES_128_GCM_SHA256 is a TLS 1.3 suite, which Envoy does not let one choose",
            "g.yaml (document 1) spec.listeners[0].tls.options[attache.io/ecdh-curves]: bogus is"
                + " not a curve Envoy knows");

    assertThat(((ParseResult.Invalid) result).errors())
        .extracting(ResourceError::toString)
        .contains(
            "g.yaml (document 1) spec.listeners[0].tls.options[example.com/tuning]: not an option"
                + " Attaché knows (attache.io/alpn-protocols, attache.io/cipher-suites,"
                + " attache.io/ecdh-curves, attache.io/max-tls-version,"
                + " attache.io/min-tls-version)",
            "g.yaml (document 1) spec.listeners[0].tls.options[attache.io/min-tls-version]: must"
                + " be 1.0, 1.1, 1.2 or 1.3, was 'v1.2'",
            "g.yaml (document 1) spec.listeners[0].tls.options[attache.io/cipher-suites]: a"
                + " comma-separated list without empty items");
  }
}
