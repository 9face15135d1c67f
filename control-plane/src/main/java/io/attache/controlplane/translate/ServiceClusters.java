package io.attache.controlplane.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.ratelimit.v3.RateLimitServiceConfig;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.Optional;

/**
 * The clusters and HTTP filters that send requests to ext-authz and ratelimit-service. The filters
 * are disabled on the listener and enabled per route ({@link RouteFilters}). Clusters are
 * LOGICAL_DNS, which both Envoy and proxyless gRPC clients accept, and speak HTTP/2 (gRPC).
 */
final class ServiceClusters {
  static final String EXT_AUTHZ_CLUSTER = "attache.ext-authz";
  static final String RATE_LIMIT_CLUSTER = "attache.ratelimit";
  private static final String HTTP_PROTOCOL_OPTIONS =
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  private ServiceClusters() {}

  static Cluster cluster(String name, String address) {
    return cluster(name, address, Optional.empty());
  }

  /** As above, over TLS when {@code tls} is given. */
  static Cluster cluster(String name, String address, Optional<UpstreamTls> tls) {
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon);
    int port = Integer.parseInt(address.substring(colon + 1));
    HttpProtocolOptions http2 =
        HttpProtocolOptions.newBuilder()
            .setExplicitHttpConfig(
                HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                    .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
            .build();
    Cluster.Builder cluster = Cluster.newBuilder();
    tls.ifPresent(files -> cluster.setTransportSocket(files.transportSocket(host)));
    return cluster
        .setName(name)
        .setType(Cluster.DiscoveryType.LOGICAL_DNS)
        .setConnectTimeout(Duration.newBuilder().setSeconds(1))
        .putTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS, Any.pack(http2))
        .setLoadAssignment(
            ClusterLoadAssignment.newBuilder()
                .setClusterName(name)
                .addEndpoints(
                    LocalityLbEndpoints.newBuilder()
                        .addLbEndpoints(
                            LbEndpoint.newBuilder()
                                .setEndpoint(
                                    io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                                        .setAddress(
                                            Address.newBuilder()
                                                .setSocketAddress(
                                                    SocketAddress.newBuilder()
                                                        .setAddress(host)
                                                        .setPortValue(port)))))))
        .build();
  }

  /** ext_authz, off unless a route turns it on; a failed check denies (fail closed). */
  static HttpFilter extAuthzFilter() {
    ExtAuthz config =
        ExtAuthz.newBuilder()
            .setGrpcService(grpc(EXT_AUTHZ_CLUSTER))
            .setTransportApiVersion(ApiVersion.V3)
            .setIncludePeerCertificate(true)
            .setFailureModeAllow(false)
            .build();
    return HttpFilter.newBuilder()
        .setName(RouteFilters.EXT_AUTHZ_FILTER)
        .setTypedConfig(Any.pack(config))
        .setDisabled(true)
        .build();
  }

  /**
   * ratelimit, off unless a route turns it on (and names its domain); when ratelimit-service cannot
   * answer, requests pass, as Envoy's default.
   */
  static HttpFilter rateLimitFilter() {
    RateLimit config =
        RateLimit.newBuilder()
            .setDomain("attache") // required; every route sets its own domain
            .setRateLimitService(
                RateLimitServiceConfig.newBuilder()
                    .setGrpcService(grpc(RATE_LIMIT_CLUSTER))
                    .setTransportApiVersion(ApiVersion.V3))
            .setEnableXRatelimitHeaders(RateLimit.XRateLimitHeadersRFCVersion.DRAFT_VERSION_03)
            .build();
    return HttpFilter.newBuilder()
        .setName(RouteFilters.RATE_LIMIT_FILTER)
        .setTypedConfig(Any.pack(config))
        .setDisabled(true)
        .build();
  }

  private static GrpcService grpc(String cluster) {
    return GrpcService.newBuilder()
        .setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(cluster))
        .build();
  }
}
