package io.attache.controlplane.translate;

import com.google.protobuf.Any;
import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.TlsOptions;
import io.attache.controlplane.model.TlsSecret;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Decides which HTTPS Gateway listeners can terminate TLS, and what Envoy needs for them. A
 * listener is served when every certificate reference names a {@code kubernetes.io/tls} Secret that
 * is in the state, in the Gateway's own namespace or in one whose ReferenceGrants allow the
 * Gateway's namespace to refer to it ({@code RefNotPermitted} otherwise); else it is left out, with
 * a problem per bad reference, and the rest of the Gateway is served.
 *
 * <p>Listeners name their certificates by SDS name only ({@code <namespace>/<secret>}), and the
 * certificates travel as SDS {@link Secret}s with their own version: a rotated certificate changes
 * the secrets and nothing in the Listener, so Envoy swaps it without draining connections. Only
 * Secrets some served listener names are sent: the cluster's other keys never leave it. Pure.
 */
public final class GatewayTls {
  static final String TLS_TRANSPORT_SOCKET = "envoy.transport_sockets.tls";
  private static final List<String> ALPN = List.of("h2", "http/1.1");
  // Envoy picks the chain whose server_names match the SNI; a chain without is the default.
  private static final Comparator<GatewayState.Listener> BY_HOSTNAME =
      Comparator.comparing(
              (GatewayState.Listener l) -> l.hostname().orElse("\uffff")) // no hostname last
          .thenComparing(GatewayState.Listener::name);

  /**
   * A certificate reference that keeps its listener from being served.
   *
   * @param field the reference, e.g. {@code spec.listeners[1].tls.certificateRefs[0]}
   * @param reason Gateway API's listener condition reason ({@code InvalidCertificateRef} or {@code
   *     RefNotPermitted})
   */
  public record Problem(
      String gatewayKey, String listener, String field, String reason, String message) {}

  private final ClusterState servable;
  private final Map<String, TlsSecret> served;
  private final List<Problem> problems;

  private GatewayTls(ClusterState servable, Map<String, TlsSecret> served, List<Problem> problems) {
    this.servable = servable;
    this.served = served;
    this.problems = List.copyOf(problems);
  }

  public static GatewayTls resolve(ClusterState state) {
    Map<String, TlsSecret> secrets =
        state.secrets().stream()
            .collect(Collectors.toMap(TlsSecret::key, Function.identity(), (a, b) -> a));
    Map<String, TlsSecret> served = new TreeMap<>();
    List<Problem> problems = new ArrayList<>();
    List<GatewayState> gateways = new ArrayList<>();
    ReferenceGrants grants = new ReferenceGrants(state.referenceGrants());
    for (GatewayState gateway : state.gateways()) {
      List<GatewayState.Listener> kept = new ArrayList<>();
      for (int i = 0; i < gateway.listeners().size(); i++) {
        GatewayState.Listener listener = gateway.listeners().get(i);
        if (listener.protocol() != GatewayState.Protocol.HTTPS) {
          kept.add(listener);
          continue;
        }
        List<Problem> own = new ArrayList<>();
        // Invalid listeners are not in the state: the field names the listener's place in the spec.
        int specIndex = Math.max(i, gateway.listenerNames().indexOf(listener.name()));
        List<String> refs = listener.certificateSecrets();
        for (int r = 0; r < refs.size(); r++) {
          String field = "spec.listeners[" + specIndex + "].tls.certificateRefs[" + r + "]";
          String ref = refs.get(r);
          int slash = ref.indexOf('/');
          if (!grants.permits(
              "Gateway",
              gateway.namespace(),
              "Secret",
              ref.substring(0, slash),
              ref.substring(slash + 1))) {
            own.add(
                new Problem(
                    gateway.key(),
                    listener.name(),
                    field,
                    "RefNotPermitted",
                    "Secret "
                        + ref
                        + " is in another namespace, and no ReferenceGrant there allows Gateways in "
                        + gateway.namespace()
                        + " to refer to it; listener "
                        + listener.name()
                        + " is not served"));
          } else if (!secrets.containsKey(ref)) {
            own.add(
                new Problem(
                    gateway.key(),
                    listener.name(),
                    field,
                    "InvalidCertificateRef",
                    "no valid Secret "
                        + ref
                        + " of type kubernetes.io/tls; listener "
                        + listener.name()
                        + " is not served"));
          }
        }
        if (own.isEmpty()) {
          kept.add(listener);
          refs.forEach(ref -> served.put(ref, secrets.get(ref)));
        }
        problems.addAll(own);
      }
      gateways.add(
          kept.size() == gateway.listeners().size() ? gateway : gateway.withListeners(kept));
    }
    return new GatewayTls(state.withGateways(gateways), served, problems);
  }

  /** The state without the HTTPS listeners that cannot be served. */
  ClusterState servable() {
    return servable;
  }

  /** The references that keep listeners from being served, in Gateway and listener order. */
  public List<Problem> problems() {
    return problems;
  }

  /** The HTTPS listeners served on {@code port}: hostnames first, the default last. */
  List<GatewayState.Listener> listeners(RouteAttachments.GatewayPort port) {
    return servable.gateways().stream()
        .filter(g -> g.namespace().equals(port.namespace()) && g.name().equals(port.gateway()))
        .flatMap(g -> g.listeners().stream())
        .filter(l -> l.port() == port.port() && l.protocol() == GatewayState.Protocol.HTTPS)
        .sorted(BY_HOSTNAME)
        .toList();
  }

  /** One SDS Secret per Secret a served listener names, sorted by name. */
  List<Secret> secrets() {
    return served.values().stream().map(GatewayTls::secret).toList();
  }

  /** {@code envoy.transport_sockets.tls} with the listener's certificates fetched over ADS. */
  static TransportSocket transportSocket(GatewayState.Listener listener) {
    TlsOptions options = listener.tlsOptions();
    CommonTlsContext.Builder common =
        CommonTlsContext.newBuilder()
            .addAllAlpnProtocols(options.alpn().isEmpty() ? ALPN : options.alpn());
    TlsParameters parameters = parameters(options);
    if (!parameters.equals(TlsParameters.getDefaultInstance())) {
      common.setTlsParams(parameters); // ALPN alone is no TLS parameter
    }
    listener.certificateSecrets().stream()
        .distinct()
        .forEach(
            secret ->
                common.addTlsCertificateSdsSecretConfigs(
                    SdsSecretConfig.newBuilder()
                        .setName(sdsName(secret))
                        .setSdsConfig(ApiListeners.ads())));
    return TransportSocket.newBuilder()
        .setName(TLS_TRANSPORT_SOCKET)
        .setTypedConfig(
            Any.pack(DownstreamTlsContext.newBuilder().setCommonTlsContext(common).build()))
        .build();
  }

  /** A listener's {@code tls.options} as Envoy's TlsParameters. */
  private static TlsParameters parameters(TlsOptions options) {
    TlsParameters.Builder parameters =
        TlsParameters.newBuilder()
            .addAllCipherSuites(options.cipherSuites())
            .addAllEcdhCurves(options.ecdhCurves());
    options.minVersion().ifPresent(v -> parameters.setTlsMinimumProtocolVersion(version(v)));
    options.maxVersion().ifPresent(v -> parameters.setTlsMaximumProtocolVersion(version(v)));
    return parameters.build();
  }

  private static TlsParameters.TlsProtocol version(String version) {
    return switch (version) {
      case "1.0" -> TlsParameters.TlsProtocol.TLSv1_0;
      case "1.1" -> TlsParameters.TlsProtocol.TLSv1_1;
      case "1.2" -> TlsParameters.TlsProtocol.TLSv1_2;
      default -> TlsParameters.TlsProtocol.TLSv1_3;
    };
  }

  /** {@code <namespace>/<secret>}: the SDS name of a Kubernetes TLS Secret. */
  public static String sdsName(String secretKey) {
    return secretKey;
  }

  private static Secret secret(TlsSecret secret) {
    return Secret.newBuilder()
        .setName(sdsName(secret.key()))
        .setTlsCertificate(
            TlsCertificate.newBuilder()
                .setCertificateChain(
                    DataSource.newBuilder().setInlineString(secret.certificateChainPem()))
                .setPrivateKey(DataSource.newBuilder().setInlineString(secret.privateKeyPem())))
        .build();
  }
}
