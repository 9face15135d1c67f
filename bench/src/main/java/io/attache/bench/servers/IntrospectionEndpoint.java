package io.attache.bench.servers;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token introspection endpoint (RFC 7662) for the opaque-token scenario, in the runner's process:
 * every token is active, as {@code svc}, for a day. ext-authz asks it once per token and answers
 * from memory afterwards, so it does next to no work during a run; {@link #calls} says how much.
 */
public final class IntrospectionEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final AtomicLong calls = new AtomicLong();

  private IntrospectionEndpoint(HttpServer server) {
    this.server = server;
  }

  public static IntrospectionEndpoint start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      IntrospectionEndpoint endpoint = new IntrospectionEndpoint(server);
      server.createContext(
          "/introspect",
          exchange -> {
            endpoint.calls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            long exp = System.currentTimeMillis() / 1000 + 86_400;
            byte[] body =
                ("{\"active\":true,\"sub\":\"svc\",\"scope\":\"orders\",\"exp\":" + exp + "}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.start();
      return endpoint;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/introspect";
  }

  /** How many introspection requests it answered. */
  public long calls() {
    return calls.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
