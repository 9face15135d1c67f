package io.attache.authz.grpc;

import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.util.Map;

/** CheckRequests shaped as Envoy sends them. */
public final class EnvoyChecks {
  private EnvoyChecks() {}

  /** A CheckRequest as Envoy builds it: pseudo-headers included, query string inside path. */
  public static CheckRequest envoyCheck(
      String method, String authority, String pathAndQuery, Map<String, String> headers) {
    AttributeContext.HttpRequest.Builder http =
        AttributeContext.HttpRequest.newBuilder()
            .setId("f0c1d2e3-request")
            .setMethod(method)
            .setHost(authority)
            .setPath(pathAndQuery)
            .setScheme("https")
            .setProtocol("HTTP/1.1")
            .putHeaders(":authority", authority)
            .putHeaders(":method", method)
            .putHeaders(":path", pathAndQuery)
            .putHeaders("x-request-id", "f0c1d2e3-request")
            .putAllHeaders(headers);
    return CheckRequest.newBuilder()
        .setAttributes(
            AttributeContext.newBuilder()
                .setSource(
                    AttributeContext.Peer.newBuilder()
                        .setAddress(
                            Address.newBuilder()
                                .setSocketAddress(
                                    SocketAddress.newBuilder()
                                        .setAddress("10.1.2.3")
                                        .setPortValue(51234))))
                .setRequest(AttributeContext.Request.newBuilder().setHttp(http))
                .putContextExtensions("mapping", "orders-mapping"))
        .build();
  }
}
