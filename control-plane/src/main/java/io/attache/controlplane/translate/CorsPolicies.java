package io.attache.controlplane.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.attache.controlplane.model.RouteExtensions;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/**
 * Envoy's CORS filter and a route's policy for it. The filter answers preflights and adds the
 * {@code Access-Control-*} headers only on routes whose {@code typed_per_filter_config} holds a
 * policy, so it stays on; it comes first, so a preflight is answered before any check or limit, as
 * in Emissary's listeners.
 */
final class CorsPolicies {
  static final String FILTER = "envoy.filters.http.cors";

  private CorsPolicies() {}

  static HttpFilter filter() {
    return HttpFilter.newBuilder()
        .setName(FILTER)
        .setTypedConfig(Any.pack(Cors.getDefaultInstance()))
        .build();
  }

  /** As Emissary's ircors.py writes it: exact origins, the other values as given. */
  static CorsPolicy perRoute(RouteExtensions.Cors cors) {
    CorsPolicy.Builder policy = CorsPolicy.newBuilder();
    cors.origins()
        .forEach(
            origin ->
                policy.addAllowOriginStringMatch(StringMatcher.newBuilder().setExact(origin)));
    if (!cors.methods().isEmpty()) {
      policy.setAllowMethods(cors.methods());
    }
    if (!cors.headers().isEmpty()) {
      policy.setAllowHeaders(cors.headers());
    }
    if (!cors.exposedHeaders().isEmpty()) {
      policy.setExposeHeaders(cors.exposedHeaders());
    }
    cors.maxAge().ifPresent(policy::setMaxAge);
    cors.credentials()
        .ifPresent(credentials -> policy.setAllowCredentials(BoolValue.of(credentials)));
    return policy.build();
  }
}
