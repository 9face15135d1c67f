package io.attache.controlplane.translate;

import com.google.protobuf.Any;
import io.attache.controlplane.model.ClusterState;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.util.List;
import java.util.Optional;

/**
 * Builds the client-side (proxyless gRPC) view of a host: an API listener whose connection manager
 * fetches its routes over ADS, and a route configuration sending every request to one cluster.
 */
final class ApiListeners {
  static final String ROUTER_FILTER = "envoy.filters.http.router";

  private ApiListeners() {}

  // Messages are immutable: tens of thousands of listeners and clusters share these two.
  private static final ConfigSource ADS =
      ConfigSource.newBuilder()
          .setAds(AggregatedConfigSource.getDefaultInstance())
          .setResourceApiVersion(ApiVersion.V3)
          .build();
  private static final HttpFilter ROUTER =
      HttpFilter.newBuilder()
          .setName(ROUTER_FILTER)
          .setTypedConfig(Any.pack(Router.getDefaultInstance()))
          .build();

  static ConfigSource ads() {
    return ADS;
  }

  /** The router, last of every connection manager's HTTP filters. */
  static HttpFilter router() {
    return ROUTER;
  }

  /** A Listener named {@code host}; its route configuration has the same name. */
  static Listener listener(String host) {
    HttpConnectionManager manager =
        HttpConnectionManager.newBuilder()
            .setStatPrefix(host)
            .setRds(Rds.newBuilder().setConfigSource(ads()).setRouteConfigName(host))
            .addHttpFilters(ROUTER)
            .build();
    return Listener.newBuilder()
        .setName(host)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(manager)))
        .build();
  }

  /** One virtual host matching any authority, routed by the rules attached to this Service port. */
  static RouteConfiguration routes(
      String host, List<AttachedRule> rules, TrafficPolicies policies) {
    return RouteConfiguration.newBuilder()
        .setName(host)
        .addVirtualHosts(
            VirtualHost.newBuilder()
                .setName(host)
                .addDomains("*")
                .addAllRoutes(
                    EnvoyRoutes.of(
                        rules,
                        new RouteContext(
                            policies,
                            FilterAttachments.resolve(ClusterState.EMPTY),
                            Optional.empty(),
                            Optional.empty()))))
        .build();
  }

  /** One virtual host matching any authority, routing every path to {@code cluster}. */
  static RouteConfiguration routes(String host, String cluster, TrafficPolicies policies) {
    RouteAction.Builder action = RouteAction.newBuilder().setCluster(cluster);
    policies.forCluster(cluster).ifPresent(p -> PolicySettings.applyToRoute(action, p));
    return RouteConfiguration.newBuilder()
        .setName(host)
        .addVirtualHosts(
            VirtualHost.newBuilder()
                .setName(host)
                .addDomains("*")
                .addRoutes(
                    Route.newBuilder()
                        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                        .setRoute(action)))
        .build();
  }
}
