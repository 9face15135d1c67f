package io.attache.testsupport.jwks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP server on the loopback interface that plays an identity provider's key endpoints: a
 * JWKS document at {@link #jwksUri()} and OpenID Connect discovery for {@link #issuer()}, which
 * points at it. The JWKS can be swapped at any time (key rotation) and the server stopped (outage);
 * requests are counted per endpoint. Built on the JDK's {@code com.sun.net.httpserver}, so it needs
 * no JOSE library: tests hand it JWKS JSON.
 */
public final class JwksServer implements AutoCloseable {
  private static final String ISSUER_PATH = "/idp";
  private static final String DISCOVERY_PATH = ISSUER_PATH + "/.well-known/openid-configuration";
  private static final String JWKS_PATH = ISSUER_PATH + "/keys";

  private final HttpServer server;
  private final AtomicReference<String> jwks;
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicInteger jwksRequests = new AtomicInteger();
  private final AtomicInteger discoveryRequests = new AtomicInteger();
  private volatile boolean stopped;

  private JwksServer(String jwksJson) {
    this.jwks = new AtomicReference<>(jwksJson);
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind a JWKS server on the loopback interface", e);
    }
    server.createContext(JWKS_PATH, this::serveJwks);
    server.createContext(DISCOVERY_PATH, this::serveDiscovery);
  }

  /** Starts serving {@code jwksJson} on a free port. */
  public static JwksServer start(String jwksJson) {
    JwksServer jwksServer = new JwksServer(jwksJson);
    jwksServer.server.start();
    return jwksServer;
  }

  /**
   * The issuer whose discovery document this server answers, e.g. {@code
   * http://127.0.0.1:4711/idp}.
   */
  public URI issuer() {
    return base().resolve(ISSUER_PATH);
  }

  public URI jwksUri() {
    return base().resolve(JWKS_PATH);
  }

  /** Serves {@code jwksJson} from now on, as a provider does after rotating its keys. */
  public void setJwks(String jwksJson) {
    jwks.set(jwksJson);
  }

  /** Answers the JWKS endpoint with this status (and an empty body unless 200) from now on. */
  public void setJwksStatus(int httpStatus) {
    status.set(httpStatus);
  }

  public int jwksRequests() {
    return jwksRequests.get();
  }

  public int discoveryRequests() {
    return discoveryRequests.get();
  }

  /** Closes the port, so clients see connection refused, as in a real outage. */
  public void stop() {
    if (!stopped) {
      stopped = true;
      server.stop(0);
    }
  }

  @Override
  public void close() {
    stop();
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void serveJwks(HttpExchange exchange) throws IOException {
    jwksRequests.incrementAndGet();
    int code = status.get();
    respond(exchange, code, code == 200 ? jwks.get() : "");
  }

  private void serveDiscovery(HttpExchange exchange) throws IOException {
    discoveryRequests.incrementAndGet();
    String document = "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + jwksUri() + "\"}";
    respond(exchange, 200, document);
  }

  private static void respond(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
