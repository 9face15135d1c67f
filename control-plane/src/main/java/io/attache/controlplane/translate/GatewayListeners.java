package io.attache.controlplane.translate;

import com.google.protobuf.Any;
import io.attache.controlplane.model.GatewayState;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.util.List;
import java.util.Map;

/**
 * Builds what an Envoy needs for one Gateway port: a Listener on {@code 0.0.0.0:port} whose HTTP
 * connection manager fetches its routes over ADS, and the RouteConfiguration with one virtual host
 * per hostname the attached routes serve. A port with no route gets a listener whose routes are
 * empty, so Envoy answers 404 rather than refusing connections. An HTTPS port gets one filter chain
 * per served Gateway listener, chosen by SNI ({@code server_names} = its hostname; the listener
 * without hostname is the default chain), each terminating TLS with its certificates from SDS and
 * all sharing the port's connection manager and routes.
 */
final class GatewayListeners {
  private static final String HCM = "envoy.filters.network.http_connection_manager";
  private static final String TLS_INSPECTOR = "envoy.filters.listener.tls_inspector";

  private GatewayListeners() {}

  /**
   * @param tlsListeners the served HTTPS listeners on {@code port} ({@link GatewayTls#listeners});
   *     ignored for an HTTP port
   */
  static Listener listener(
      RouteAttachments.GatewayPort port,
      List<GatewayState.Listener> tlsListeners,
      FilterAttachments filters) {
    HttpConnectionManager.Builder manager =
        HttpConnectionManager.newBuilder()
            .setStatPrefix(port.xdsName())
            .setStripAnyHostPort(true) // match virtual hosts on the host name alone
            .setRds(
                Rds.newBuilder()
                    .setConfigSource(ApiListeners.ads())
                    .setRouteConfigName(port.xdsName()));
    // CORS first, so a preflight is answered before anything else; then the local bucket, so a
    // flood is shed before any service is asked; then ext_authz, so the rate limit can use what it
    // returned (dynamic metadata).
    if (filters.anyCors()) {
      manager.addHttpFilters(CorsPolicies.filter());
    }
    if (filters.anyLocalRateLimit()) {
      manager.addHttpFilters(LocalRateLimits.filter());
    }
    if (filters.anyAuth()) {
      manager.addHttpFilters(ServiceClusters.extAuthzFilter());
    }
    if (filters.anyRateLimit()) {
      manager.addHttpFilters(ServiceClusters.rateLimitFilter());
    }
    manager.addHttpFilters(ApiListeners.router());
    Filter connectionManager =
        Filter.newBuilder().setName(HCM).setTypedConfig(Any.pack(manager.build())).build();
    Listener.Builder listener = bound(port);
    if (port.protocol() != GatewayState.Protocol.HTTPS) {
      return listener
          .addFilterChains(FilterChain.newBuilder().addFilters(connectionManager))
          .build();
    }
    // Envoy no longer adds the TLS inspector by itself; without it no chain sees the SNI.
    listener.addListenerFilters(
        ListenerFilter.newBuilder()
            .setName(TLS_INSPECTOR)
            .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())));
    for (GatewayState.Listener tls : tlsListeners) {
      FilterChain.Builder chain =
          FilterChain.newBuilder()
              .setName(port.xdsName() + "/" + tls.name())
              .addFilters(connectionManager)
              .setTransportSocket(GatewayTls.transportSocket(tls));
      tls.hostname()
          .ifPresent(
              host ->
                  chain.setFilterChainMatch(FilterChainMatch.newBuilder().addServerNames(host)));
      listener.addFilterChains(chain);
    }
    return listener.build();
  }

  /** A Listener named after the Gateway port, on all addresses at its port. */
  static Listener.Builder bound(RouteAttachments.GatewayPort port) {
    return Listener.newBuilder()
        .setName(port.xdsName())
        .setAddress(
            Address.newBuilder()
                .setSocketAddress(
                    SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(port.port())));
  }

  /**
   * A virtual host built before that still holds for these rules; null: build it anew. Asked from
   * several threads at once, so it only reads.
   */
  interface KeptHosts {
    KeptHosts NONE = (name, rules) -> null;

    VirtualHost kept(String name, List<AttachedRule> rules);
  }

  static RouteConfiguration routes(
      RouteAttachments.GatewayPort port,
      Map<String, List<AttachedRule>> byHost,
      TrafficPolicies policies,
      FilterAttachments filters) {
    return routes(port, byHost, policies, filters, KeptHosts.NONE);
  }

  /** As above, taking each virtual host {@code kept} gives rather than building it again. */
  static RouteConfiguration routes(
      RouteAttachments.GatewayPort port,
      Map<String, List<AttachedRule>> byHost,
      TrafficPolicies policies,
      FilterAttachments filters,
      KeptHosts kept) {
    RouteContext context =
        new RouteContext(
            policies,
            filters,
            java.util.Optional.of(port.namespace() + "/" + port.gateway()),
            java.util.Optional.of(port));
    // One port may serve tens of thousands of hosts: they are built on all cores.
    String prefix = port.xdsName() + "/";
    List<VirtualHost> hosts =
        Parallel.map(
            List.copyOf(byHost.entrySet()),
            host -> {
              String name = prefix + host.getKey();
              VirtualHost old = kept.kept(name, host.getValue());
              return old != null
                  ? old
                  : VirtualHost.newBuilder()
                      .setName(name)
                      .addDomains(host.getKey())
                      .addAllRoutes(EnvoyRoutes.of(host.getValue(), context))
                      .build();
            });
    return RouteConfiguration.newBuilder()
        .setName(port.xdsName())
        .addAllVirtualHosts(hosts)
        .build();
  }
}
