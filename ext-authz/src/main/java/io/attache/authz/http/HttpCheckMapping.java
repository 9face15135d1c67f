package io.attache.authz.http;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Decision;
import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.PeerAttributes;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Translates Emissary's check request (the client's request, re-sent here) to the core and the
 * core's decision to the answer Emissary acts on. The HTTP counterpart of the gRPC {@code
 * CheckMapping}; no I/O, so it is tested without a port.
 */
final class HttpCheckMapping {
  /** Envoy's storage header for the request headers an OK answer removes. */
  static final String HEADERS_TO_REMOVE = "x-envoy-auth-headers-to-remove";

  private HttpCheckMapping() {}

  /**
   * @param peerAddress the connection's remote address, used when no header names the client
   * @param pathPrefix Emissary's {@code path_prefix}, stripped from the path
   */
  static CheckInput toCore(HttpRequest request, String peerAddress, String pathPrefix) {
    // Lower-case names as Envoy sends them; repeated headers joined with "," as one value.
    Map<String, String> headers = new LinkedHashMap<>();
    request
        .headers()
        .iteratorAsString()
        .forEachRemaining(
            header ->
                headers.merge(
                    header.getKey().toLowerCase(Locale.ROOT),
                    header.getValue(),
                    (first, next) -> first + "," + next));
    RequestTarget target = RequestTarget.parse(request.uri());
    String path = target.path();
    if (!pathPrefix.isEmpty() && path.startsWith(pathPrefix)) {
      path = path.substring(pathPrefix.length());
      if (!path.startsWith("/")) {
        path = "/" + path;
      }
    }
    // Envoy's HTTP ext_authz client always copies the original :authority onto the check request
    // (Host is on its fixed allowlist), so Host is the request's host. X-Forwarded-Host is on
    // Emissary's default allowlist too, but Envoy passes a client's value through untouched: it
    // must never choose the policy.
    String host = headers.getOrDefault("host", "");
    // The last X-Forwarded-For entry is the one Envoy appended (use_remote_address, as Emissary
    // sets it); earlier entries are whatever the client sent. Envoy's docs: "Malicious clients can
    // forge XFF, but the last address in XFF can be trusted if it was put there by a trusted
    // proxy" (configuration/http/http_conn_man/headers.rst, x-forwarded-for).
    String source =
        Optional.ofNullable(headers.get("x-envoy-external-address"))
            .or(
                () ->
                    Optional.ofNullable(headers.get("x-forwarded-for"))
                        .map(HttpCheckMapping::lastEntry))
            .filter(address -> !address.isEmpty())
            .orElse(peerAddress);
    return new CheckInput(
        new HttpAttributes(
            request.method().name(),
            host,
            path,
            target.query(),
            headers,
            headers.getOrDefault("x-forwarded-proto", "http"),
            Optional.ofNullable(headers.get("x-request-id"))),
        // An mTLS client's identity reaches this mode only in XFCC, when Envoy is told to set it
        // (forward_client_cert_details SANITIZE_SET or APPEND_FORWARD) and Emissary to pass it on.
        new PeerAttributes(
            source,
            Optional.ofNullable(headers.get("x-forwarded-client-cert"))
                .flatMap(ForwardedClientCert::principal)),
        Map.of());
  }

  /**
   * A 200 with the upstream headers on allow; the denial's status, headers and body otherwise.
   * Connection handling is the caller's.
   *
   * @param head whether the request was a HEAD, answered without a body (RFC 9110 section 9.3.2)
   */
  static FullHttpResponse toResponse(Decision decision, boolean head) {
    byte[] body = head ? new byte[0] : decision.body().getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(decision.httpStatus()),
            Unpooled.wrappedBuffer(body));
    List<Decision.Header> headers =
        decision.allowed() ? decision.upstreamHeaders() : decision.responseHeaders();
    for (Decision.Header header : headers) {
      if (header.overwrite()) {
        response.headers().set(header.name(), header.value());
      } else {
        // Several of a name (two Set-Cookie, two challenges) all go out.
        response.headers().add(header.name(), header.value());
      }
    }
    if (decision.allowed()) {
      // Envoy copies these to the client only if its allowed_client_headers_on_success names
      // them; Emissary's AuthService does not set it, so in HTTP mode they reach the client only
      // with a denial.
      decision.responseHeaders().forEach(h -> response.headers().add(h.name(), h.value()));
    }
    if (decision.allowed() && !decision.headersToRemove().isEmpty()) {
      // envoyproxy/envoy ext_authz_http_impl.cc: on a 200, the comma-separated names in this
      // header are removed from the request sent upstream (what headers_to_remove does in gRPC).
      response.headers().set(HEADERS_TO_REMOVE, String.join(", ", decision.headersToRemove()));
    }
    // Set last, so no policy header can make the framing lie; 0 for a HEAD, as before.
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }

  private static String lastEntry(String forwardedFor) {
    return forwardedFor.substring(forwardedFor.lastIndexOf(',') + 1).trim();
  }
}
