package io.attache.controlplane.validate;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.List;

/**
 * The validator for what the control plane serves: every type it packs into an {@code Any} is
 * unpacked and checked too, as Envoy checks an extension's config when it builds the extension.
 */
public final class EnvoyApiValidation {
  private static final List<Descriptor> PACKED =
      List.of(
          HttpConnectionManager.getDescriptor(),
          Router.getDescriptor(),
          TlsInspector.getDescriptor(),
          DownstreamTlsContext.getDescriptor(),
          UpstreamTlsContext.getDescriptor(),
          HttpProtocolOptions.getDescriptor(),
          ExtAuthz.getDescriptor(),
          ExtAuthzPerRoute.getDescriptor(),
          RateLimit.getDescriptor(),
          RateLimitPerRoute.getDescriptor(),
          TcpProxy.getDescriptor(),
          FilterConfig.getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors.getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy.getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
              .getDescriptor());
  private static final ProtoValidator VALIDATOR = new ProtoValidator(PACKED);

  private EnvoyApiValidation() {}

  /** Every violation of the Envoy API's constraints in {@code resource}. */
  public static List<Violation> validate(Message resource) {
    return VALIDATOR.validate(resource);
  }
}
