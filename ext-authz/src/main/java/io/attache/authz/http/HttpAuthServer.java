package io.attache.authz.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.attache.authz.core.AuthzService;
import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Decision;
import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.PeerAttributes;
import io.attache.runtime.DaemonThreads;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Emissary's plain-HTTP AuthService mode ({@code proto: http}): Emissary sends each request's
 * method and path (after {@code path_prefix}) with its allowed headers here. A 200 allows it, and
 * Emissary copies the {@code allowed_authorization_headers} of this answer onto the upstream
 * request; any other answer goes back to the client as it is (status, headers, body). Same
 * decisions as gRPC: one core. Request headers to remove go in {@code
 * x-envoy-auth-headers-to-remove}, which Envoy's HTTP ext_authz client reads from a 200 whatever
 * Emissary's allowlists say.
 */
public final class HttpAuthServer implements AutoCloseable {
  /** Envoy's storage header for the request headers an OK answer removes. */
  static final String HEADERS_TO_REMOVE = "x-envoy-auth-headers-to-remove";

  private final HttpServer server;
  private final ExecutorService executor;

  private HttpAuthServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  public static HttpAuthServer start(
      String host, int port, String pathPrefix, AuthzService service) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 256);
      ExecutorService executor =
          Executors.newFixedThreadPool(
              Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
              DaemonThreads.named("attache-http-auth"));
      server.setExecutor(executor);
      server.createContext("/", exchange -> handle(exchange, pathPrefix, service));
      server.start();
      return new HttpAuthServer(server, executor);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on HTTP auth port " + host + ":" + port, e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  static CheckInput toCore(HttpExchange exchange, String pathPrefix) {
    Map<String, String> headers = new LinkedHashMap<>();
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!values.isEmpty()) {
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values));
              }
            });
    String path = exchange.getRequestURI().getRawPath();
    if (!pathPrefix.isEmpty() && path.startsWith(pathPrefix)) {
      path = path.substring(pathPrefix.length());
      if (!path.startsWith("/")) {
        path = "/" + path;
      }
    }
    String query = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
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
                        .map(HttpAuthServer::lastEntry))
            .filter(address -> !address.isEmpty())
            .orElse(exchange.getRemoteAddress().getAddress().getHostAddress());
    return new CheckInput(
        new HttpAttributes(
            exchange.getRequestMethod(),
            host,
            path,
            query,
            headers,
            headers.getOrDefault("x-forwarded-proto", "http"),
            Optional.ofNullable(headers.get("x-request-id"))),
        new PeerAttributes(source, Optional.empty()),
        Map.of());
  }

  private static String lastEntry(String forwardedFor) {
    return forwardedFor.substring(forwardedFor.lastIndexOf(',') + 1).trim();
  }

  private static void handle(HttpExchange exchange, String pathPrefix, AuthzService service)
      throws IOException {
    try (exchange) {
      exchange.getRequestBody().readNBytes(1 << 20); // Emissary may forward a body; not needed
      Decision decision = service.check(toCore(exchange, pathPrefix));
      List<Decision.Header> headers =
          decision.allowed() ? decision.upstreamHeaders() : decision.responseHeaders();
      for (Decision.Header header : headers) {
        exchange.getResponseHeaders().set(header.name(), header.value());
      }
      if (decision.allowed() && !decision.headersToRemove().isEmpty()) {
        // envoyproxy/envoy ext_authz_http_impl.cc: on a 200, the comma-separated names in this
        // header are removed from the request sent upstream (what headers_to_remove does in gRPC).
        exchange
            .getResponseHeaders()
            .set(HEADERS_TO_REMOVE, String.join(", ", decision.headersToRemove()));
      }
      // A HEAD answer has no body (RFC 9110 section 9.3.2); the JDK server warns about a length
      // and refuses the bytes.
      byte[] body =
          exchange.getRequestMethod().equals("HEAD")
              ? new byte[0]
              : decision.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(decision.httpStatus(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
