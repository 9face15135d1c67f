package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.attache.controlplane.TlsFixtures;
import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.HttpRouteState.ParentKind;
import io.attache.controlplane.model.HttpRouteState.ParentRef;
import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServiceState;
import io.attache.controlplane.model.TlsSecret;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** HTTPS Gateway listeners: TLS per SNI with certificates over SDS, one behaviour per test. */
class GatewayTlsTranslationTest {
  private static final ServiceState WEB =
      new ServiceState(
          "shop", "web", List.of(new ServicePort("http", 8080, ServicePort.Protocol.TCP)));
  private static final TlsSecret STORE_CERT =
      new TlsSecret("shop", "store-cert", TlsFixtures.RSA_CERT, TlsFixtures.RSA_KEY);
  private static final TlsSecret DEFAULT_CERT =
      new TlsSecret("shop", "default-cert", TlsFixtures.EC_CERT, TlsFixtures.EC_KEY);
  private static final TlsSecret UNUSED_CERT =
      new TlsSecret("shop", "unused", TlsFixtures.EC_CERT, TlsFixtures.EC_KEY);
  private static final String PORT = "shop/edge:8443";

  private final Translator translator = new Translator();

  private static GatewayState.Listener https(String name, String hostname, String... secrets) {
    return new GatewayState.Listener(
        name,
        8443,
        GatewayState.Protocol.HTTPS,
        Optional.ofNullable(hostname),
        false,
        List.of(secrets));
  }

  private static HttpRouteState route(String... hostnames) {
    return new HttpRouteState(
        "shop",
        "store",
        1,
        Instant.EPOCH,
        List.of(
            new ParentRef(
                ParentKind.GATEWAY, "shop", "edge", Optional.empty(), OptionalInt.empty())),
        List.of(hostnames),
        List.of());
  }

  private static ClusterState state(List<TlsSecret> secrets, GatewayState.Listener... listeners) {
    return new ClusterState(
        List.of(WEB),
        List.of(),
        List.of(new GatewayState("shop", "edge", 1, List.of(listeners))),
        List.of(route("store.example.com", "www.example.com")),
        List.of(),
        List.of(),
        secrets);
  }

  private static Optional<Listener> listener(XdsResources resources) {
    return resources.listeners().stream().filter(l -> l.getName().equals(PORT)).findFirst();
  }

  private static DownstreamTlsContext tls(FilterChain chain) {
    assertThat(chain.getTransportSocket().getName()).isEqualTo("envoy.transport_sockets.tls");
    try {
      return chain.getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void anHttpsListenerTerminatesTlsForItsHostnameWithItsSecretFromSds() {
    XdsResources resources =
        translator.translate(
            state(List.of(STORE_CERT), https("store", "store.example.com", "shop/store-cert")));

    FilterChain chain = listener(resources).orElseThrow().getFilterChains(0);
    assertThat(chain.getFilterChainMatch().getServerNamesList())
        .containsExactly("store.example.com");
    SdsSecretConfig sds = tls(chain).getCommonTlsContext().getTlsCertificateSdsSecretConfigs(0);
    assertThat(sds.getName()).isEqualTo("shop/store-cert");
    assertThat(sds.getSdsConfig()).isEqualTo(ApiListeners.ads());
    assertThat(tls(chain).getCommonTlsContext().getAlpnProtocolsList())
        .containsExactly("h2", "http/1.1");
  }

  @Test
  void anHttpsListenerReadsTheSniWithTheTlsInspector() {
    Listener listener =
        listener(
                translator.translate(
                    state(List.of(STORE_CERT), https("store", null, "shop/store-cert"))))
            .orElseThrow();

    assertThat(listener.getListenerFiltersList())
        .extracting(f -> f.getName())
        .containsExactly("envoy.filters.listener.tls_inspector");
  }

  @Test
  void aListenerWithoutHostnameIsTheDefaultChainAfterTheNamedOnes() {
    Listener listener =
        listener(
                translator.translate(
                    state(
                        List.of(STORE_CERT, DEFAULT_CERT),
                        https("any", null, "shop/default-cert"),
                        https("store", "store.example.com", "shop/store-cert"))))
            .orElseThrow();

    assertThat(listener.getFilterChainsList())
        .extracting(c -> List.copyOf(c.getFilterChainMatch().getServerNamesList()))
        .containsExactly(List.of("store.example.com"), List.of());
    assertThat(listener.getFilterChains(1).hasFilterChainMatch()).isFalse();
  }

  @Test
  void everyChainSharesThePortsRoutes() {
    XdsResources resources =
        translator.translate(
            state(
                List.of(STORE_CERT, DEFAULT_CERT),
                https("any", null, "shop/default-cert"),
                https("store", "store.example.com", "shop/store-cert")));

    assertThat(listener(resources).orElseThrow().getFilterChainsList())
        .extracting(c -> manager(c).getRds().getRouteConfigName())
        .containsExactly(PORT, PORT);
  }

  private static HttpConnectionManager manager(FilterChain chain) {
    try {
      return chain.getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void onlySecretsThatServedListenersNameAreSentWithTheirPem() {
    XdsResources resources =
        translator.translate(
            state(
                List.of(STORE_CERT, UNUSED_CERT),
                https("store", "store.example.com", "shop/store-cert")));

    assertThat(resources.secrets()).extracting(Secret::getName).containsExactly("shop/store-cert");
    assertThat(
            resources.secrets().get(0).getTlsCertificate().getCertificateChain().getInlineString())
        .isEqualTo(TlsFixtures.RSA_CERT);
    assertThat(resources.secrets().get(0).getTlsCertificate().getPrivateKey().getInlineString())
        .isEqualTo(TlsFixtures.RSA_KEY);
  }

  @Test
  void aListenerWhoseSecretIsMissingIsLeftOutAndTheOthersServed() {
    XdsResources resources =
        translator.translate(
            state(
                List.of(STORE_CERT),
                https("www", "www.example.com", "shop/www-cert"),
                https("store", "store.example.com", "shop/store-cert")));

    assertThat(listener(resources).orElseThrow().getFilterChainsList())
        .extracting(c -> c.getFilterChainMatch().getServerNames(0))
        .containsExactly("store.example.com");
    assertThat(resources.routes().get(0).getVirtualHostsList())
        .extracting(v -> List.copyOf(v.getDomainsList()))
        .containsExactly(List.of("store.example.com"));
  }

  @Test
  void aMissingSecretIsReportedOnItsReference() {
    GatewayTls tls =
        GatewayTls.resolve(
            state(List.of(), https("store", "store.example.com", "shop/store-cert")));

    assertThat(tls.problems())
        .containsExactly(
            new GatewayTls.Problem(
                "shop/edge",
                "store",
                "spec.listeners[0].tls.certificateRefs[0]",
                "InvalidCertificateRef",
                "no valid Secret shop/store-cert of type kubernetes.io/tls; listener store is not"
                    + " served"));
  }

  @Test
  void aPortWhoseListenersAreAllLeftOutHasNoListenerAndNoRoutes() {
    XdsResources resources =
        translator.translate(
            state(List.of(), https("store", "store.example.com", "shop/store-cert")));

    assertThat(listener(resources)).isEmpty();
    assertThat(resources.routes()).extracting(RouteConfiguration::getName).doesNotContain(PORT);
    assertThat(resources.secrets()).isEmpty();
  }

  @Test
  void aSecretInAnotherNamespaceIsNotPermitted() {
    TlsSecret elsewhere = new TlsSecret("other", "cert", TlsFixtures.RSA_CERT, TlsFixtures.RSA_KEY);

    GatewayTls tls =
        GatewayTls.resolve(state(List.of(elsewhere), https("store", null, "other/cert")));

    assertThat(tls.problems())
        .extracting(GatewayTls.Problem::reason)
        .containsExactly("RefNotPermitted");
    assertThat(
            translator
                .translate(state(List.of(elsewhere), https("store", null, "other/cert")))
                .secrets())
        .isEmpty();
  }

  @Test
  void aRotatedCertificateChangesTheSecretsAndNotTheListener() {
    GatewayState.Listener store = https("store", "store.example.com", "shop/store-cert");
    XdsResources before = translator.translate(state(List.of(STORE_CERT), store));
    TlsSecret rotated =
        new TlsSecret("shop", "store-cert", TlsFixtures.EC_CERT, TlsFixtures.EC_KEY);

    XdsResources after = translator.translate(state(List.of(rotated), store));

    assertThat(after.listeners()).isEqualTo(before.listeners());
    assertThat(after.listenersVersion()).isEqualTo(before.listenersVersion());
    assertThat(after.routesVersion()).isEqualTo(before.routesVersion());
    assertThat(after.secretsVersion()).isNotEqualTo(before.secretsVersion());
  }

  @Test
  void anHttpPortHasNoTransportSocketAndNoSecrets() {
    GatewayState.Listener http =
        new GatewayState.Listener(
            "web", 8000, GatewayState.Protocol.HTTP, Optional.empty(), false, List.of());
    XdsResources resources = translator.translate(state(List.of(STORE_CERT), http));

    Listener listener =
        resources.listeners().stream()
            .filter(l -> l.getName().equals("shop/edge:8000"))
            .findFirst()
            .orElseThrow();
    assertThat(listener.getFilterChains(0).hasTransportSocket()).isFalse();
    assertThat(listener.getListenerFiltersList()).isEmpty();
    assertThat(resources.secrets()).isEmpty();
  }
}
