package io.attache.controlplane.emissary;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.TlsFixtures;
import io.attache.controlplane.source.ParseResult;
import io.attache.controlplane.source.ResourceError;
import io.attache.controlplane.source.ResourceParser;
import io.attache.controlplane.translate.Translator;
import io.attache.controlplane.translate.XdsResources;
import io.attache.runtime.WatchedDirectory;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Emissary's TLSContexts served from files, as Envoy gets them: a getambassador.io/v2 TLSContext
 * (v2 and v3alpha1 have the same fields) named after its Host, and one whose hosts leave the Host
 * out, used all the same and reported, as irhost.py does.
 */
class EmissaryTlsServingTest {
  private static final String HOST_AND_SECRET =
      """
      apiVersion: getambassador.io/v3alpha1
      kind: Host
      metadata: {name: shop, namespace: emissary}
      spec: {hostname: shop.example.com, tlsSecret: {name: shop-tls}}
      ---
      """
          + TlsFixtures.secretYaml(
              "emissary", "shop-tls", TlsFixtures.RSA_CERT, TlsFixtures.RSA_KEY);

  private static ParseResult parse(String yaml) {
    return new ResourceParser().parse(List.of(new WatchedDirectory.File("e.yaml", yaml)));
  }

  private static TlsParameters parameters(ParseResult result) throws Exception {
    assertThat(result).as(result.toString()).isInstanceOf(ParseResult.Parsed.class);
    XdsResources xds = new Translator().translate(((ParseResult.Parsed) result).state());
    return xds.listeners().stream()
        .filter(l -> l.getName().equals("emissary/emissary:8443"))
        .findFirst()
        .orElseThrow()
        .getFilterChains(0)
        .getTransportSocket()
        .getTypedConfig()
        .unpack(DownstreamTlsContext.class)
        .getCommonTlsContext()
        .getTlsParams();
  }

  @Test
  void aV2TlsContextNamedAfterItsHostSetsItsTls() throws Exception {
    ParseResult result =
        parse(
            """
            apiVersion: getambassador.io/v2
            kind: TLSContext
            metadata: {name: shop-context, namespace: emissary}
            spec: {hosts: [shop.example.com], min_tls_version: v1.3, ecdh_curves: [X25519]}
            ---
            """
                + HOST_AND_SECRET);

    TlsParameters parameters = parameters(result);
    assertThat(parameters.getTlsMinimumProtocolVersion())
        .isEqualTo(TlsParameters.TlsProtocol.TLSv1_3);
    assertThat(parameters.getEcdhCurvesList()).containsExactly("X25519");
  }

  @Test
  void aContextWhoseHostsLeaveTheHostOutIsUsedAndReported() throws Exception {
    ParseResult result =
        parse(
            """
            apiVersion: getambassador.io/v3alpha1
            kind: TLSContext
            metadata: {name: shop-context, namespace: emissary}
            spec: {hosts: [other.example.com], max_tls_version: v1.2}
            ---
            """
                + HOST_AND_SECRET);

    // Reported as an error of the Host's, so a file holding it is not accepted as it is.
    assertThat(((ParseResult.Invalid) result).errors())
        .extracting(ResourceError::toString)
        .containsExactly(
            "Host emissary/shop: its TLSContext emissary/shop-context lists hosts"
                + " [other.example.com] without shop.example.com (used anyway, as Emissary does)");
  }
}
