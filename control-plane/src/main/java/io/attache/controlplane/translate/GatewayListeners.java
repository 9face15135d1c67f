package io.attache.controlplane.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.util.List;
import java.util.Map;

/**
 * Builds what an Envoy needs for one Gateway port: a Listener on {@code 0.0.0.0:port} whose HTTP
 * connection manager fetches its routes over ADS, and the RouteConfiguration with one virtual host
 * per hostname the attached routes serve. A port with no route gets a listener whose routes are
 * empty, so Envoy answers 404 rather than refusing connections.
 */
final class GatewayListeners {
  private static final String HCM = "envoy.filters.network.http_connection_manager";

  private GatewayListeners() {}

  static Listener listener(RouteAttachments.GatewayPort port, FilterAttachments filters) {
    HttpConnectionManager.Builder manager =
        HttpConnectionManager.newBuilder()
            .setStatPrefix(port.xdsName())
            .setStripAnyHostPort(true) // match virtual hosts on the host name alone
            .setRds(
                Rds.newBuilder()
                    .setConfigSource(ApiListeners.ads())
                    .setRouteConfigName(port.xdsName()));
    // ext_authz first, so the rate limit can use what it returned (dynamic metadata).
    if (filters.anyAuth()) {
      manager.addHttpFilters(ServiceClusters.extAuthzFilter());
    }
    if (filters.anyRateLimit()) {
      manager.addHttpFilters(ServiceClusters.rateLimitFilter());
    }
    manager.addHttpFilters(
        HttpFilter.newBuilder()
            .setName(ApiListeners.ROUTER_FILTER)
            .setTypedConfig(Any.pack(Router.getDefaultInstance())));
    return Listener.newBuilder()
        .setName(port.xdsName())
        .setAddress(
            Address.newBuilder()
                .setSocketAddress(
                    SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(port.port())))
        .addFilterChains(
            FilterChain.newBuilder()
                .addFilters(
                    Filter.newBuilder().setName(HCM).setTypedConfig(Any.pack(manager.build()))))
        .build();
  }

  static RouteConfiguration routes(
      RouteAttachments.GatewayPort port,
      Map<String, List<AttachedRule>> byHost,
      TrafficPolicies policies,
      FilterAttachments filters) {
    RouteContext context =
        new RouteContext(
            policies, filters, java.util.Optional.of(port.namespace() + "/" + port.gateway()));
    RouteConfiguration.Builder config = RouteConfiguration.newBuilder().setName(port.xdsName());
    byHost.forEach(
        (host, rules) ->
            config.addVirtualHosts(
                VirtualHost.newBuilder()
                    .setName(port.xdsName() + "/" + host)
                    .addDomains(host)
                    .addAllRoutes(EnvoyRoutes.of(rules, context))));
    return config.build();
  }
}
