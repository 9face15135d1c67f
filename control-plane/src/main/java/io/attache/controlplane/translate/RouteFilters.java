package io.attache.controlplane.translate;

import com.google.protobuf.Any;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.PolicyAttachment;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.CheckSettings;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import io.envoyproxy.envoy.type.metadata.v3.MetadataKey;
import java.util.Optional;

/**
 * Turns on, for one route, the local_ratelimit, ext_authz and ratelimit filters that the listener
 * carries disabled: Envoy runs a disabled-by-default filter only where a route's {@code
 * typed_per_filter_config} holds a {@link FilterConfig} that enables it. ext-authz learns the route
 * and Gateway from {@code context_extensions} ({@code attache.io/route}, {@code
 * attache.io/gateway}), which is how an AuthPolicy's targetRefs select it there.
 */
final class RouteFilters {
  static final String EXT_AUTHZ_FILTER = "envoy.filters.http.ext_authz";
  static final String RATE_LIMIT_FILTER = "envoy.filters.http.ratelimit";
  static final String ROUTE_EXTENSION = "attache.io/route";
  static final String GATEWAY_EXTENSION = "attache.io/gateway";

  private RouteFilters() {}

  static void apply(
      Route.Builder route,
      Optional<RouteAction.Builder> action,
      HttpRouteState source,
      RouteContext context) {
    RouteExtras.apply(route, action, source.extensions());
    if (context.gateway().isEmpty()) {
      return;
    }
    source
        .extensions()
        .cors()
        .ifPresent(
            cors ->
                route.putTypedPerFilterConfig(
                    CorsPolicies.FILTER, Any.pack(CorsPolicies.perRoute(cors))));
    context
        .filters()
        .local(source, context.gateway())
        .ifPresent(
            local ->
                route.putTypedPerFilterConfig(
                    LocalRateLimits.FILTER, enable(Any.pack(LocalRateLimits.perRoute(local)))));
    if (source.extensions().authDisabled()) {
      // As Emissary writes bypass_auth: the filter disabled outright, not merely left off.
      route.putTypedPerFilterConfig(
          EXT_AUTHZ_FILTER, Any.pack(ExtAuthzPerRoute.newBuilder().setDisabled(true).build()));
    } else if (context.filters().auth(source, context.gateway())) {
      CheckSettings.Builder settings =
          CheckSettings.newBuilder()
              .putAllContextExtensions(source.extensions().authContext())
              .putContextExtensions(ROUTE_EXTENSION, source.key())
              .putContextExtensions(GATEWAY_EXTENSION, context.gateway().get());
      route.putTypedPerFilterConfig(
          EXT_AUTHZ_FILTER,
          enable(Any.pack(ExtAuthzPerRoute.newBuilder().setCheckSettings(settings).build())));
    }
    Optional<PolicyAttachment.RateLimits> limits =
        context.filters().rateLimits(source, context.gateway());
    if (limits.isPresent() && action.isPresent()) {
      for (var descriptor : limits.get().descriptors()) {
        RateLimit.Builder limit = RateLimit.newBuilder();
        descriptor.forEach(a -> limit.addActions(action(a)));
        action.get().addRateLimits(limit);
      }
      route.putTypedPerFilterConfig(
          RATE_LIMIT_FILTER,
          enable(
              Any.pack(RateLimitPerRoute.newBuilder().setDomain(limits.get().domain()).build())));
    }
  }

  private static Any enable(Any config) {
    return Any.pack(FilterConfig.newBuilder().setConfig(config).setDisabled(false).build());
  }

  private static RateLimit.Action action(PolicyAttachment.Action action) {
    RateLimit.Action.Builder envoy = RateLimit.Action.newBuilder();
    if (action instanceof PolicyAttachment.RemoteAddress) {
      envoy.setRemoteAddress(RateLimit.Action.RemoteAddress.getDefaultInstance());
    } else if (action instanceof PolicyAttachment.SourceCluster) {
      envoy.setSourceCluster(RateLimit.Action.SourceCluster.getDefaultInstance());
    } else if (action instanceof PolicyAttachment.DestinationCluster) {
      envoy.setDestinationCluster(RateLimit.Action.DestinationCluster.getDefaultInstance());
    } else if (action instanceof PolicyAttachment.GenericKey g) {
      RateLimit.Action.GenericKey.Builder key =
          RateLimit.Action.GenericKey.newBuilder().setDescriptorValue(g.value());
      if (!g.key().equals("generic_key")) {
        key.setDescriptorKey(g.key());
      }
      envoy.setGenericKey(key);
    } else if (action instanceof PolicyAttachment.RequestHeader h) {
      envoy.setRequestHeaders(
          RateLimit.Action.RequestHeaders.newBuilder()
              .setHeaderName(h.header())
              .setDescriptorKey(h.key()));
    } else if (action instanceof PolicyAttachment.DynamicMetadata m) {
      MetadataKey.Builder key = MetadataKey.newBuilder().setKey(m.filter());
      m.path().forEach(p -> key.addPath(MetadataKey.PathSegment.newBuilder().setKey(p)));
      envoy.setMetadata(
          RateLimit.Action.MetaData.newBuilder()
              .setDescriptorKey(m.key())
              .setMetadataKey(key)
              .setSource(RateLimit.Action.MetaData.Source.DYNAMIC));
    }
    return envoy.build();
  }
}
