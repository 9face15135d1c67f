package io.attache.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The admin HTTP endpoints every service has: {@code /healthz} (the process is alive), {@code
 * /readyz} (it has a usable configuration and can serve), {@code /metrics} (Prometheus text), plus
 * whatever the service adds (a config dump, ...). Runs on its own small thread pool, never on the
 * request path.
 */
public final class AdminServer implements AutoCloseable {
  private static final int MAX_BODY_BYTES = 1 << 20;

  private final HttpServer server;
  private final ExecutorService executor;

  private AdminServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** A text response: status, content type and body. */
  public record Response(int status, String contentType, String body) {
    public static Response text(int status, String body) {
      return new Response(status, "text/plain; charset=utf-8", body);
    }

    public static Response json(String body) {
      return new Response(200, "application/json", body);
    }
  }

  /** Answers one request to a path. */
  @FunctionalInterface
  public interface Handler {
    Response handle(String method, byte[] body);

    /**
     * Answers a request with its query parameters, decoded ({@code ?group=edge} gives {@code
     * group=edge}; the last of a repeated name wins). Handlers that take none need not override it.
     */
    default Response handle(String method, Map<String, String> query, byte[] body) {
      return handle(method, body);
    }

    /** A handler that answers every method the same, ignoring the body. */
    static Handler of(Supplier<Response> answer) {
      return (method, body) -> answer.get();
    }

    /** A handler that answers every method from the query parameters, ignoring the body. */
    static Handler ofQuery(Function<Map<String, String>, Response> answer) {
      return new Handler() {
        @Override
        public Response handle(String method, byte[] body) {
          return answer.apply(Map.of());
        }

        @Override
        public Response handle(String method, Map<String, String> query, byte[] body) {
          return answer.apply(query);
        }
      };
    }
  }

  /**
   * Starts the server with {@code /healthz}, {@code /readyz}, {@code /metrics} and {@code extra}.
   */
  public static AdminServer start(
      String host,
      int port,
      BooleanSupplier live,
      BooleanSupplier ready,
      PrometheusMeterRegistry registry,
      Map<String, Handler> extra) {
    Map<String, Handler> routes = new LinkedHashMap<>();
    routes.put("/healthz", Handler.of(() -> probe(live)));
    routes.put("/readyz", Handler.of(() -> probe(ready)));
    routes.put(
        "/metrics",
        Handler.of(
            () ->
                new Response(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape())));
    routes.putAll(extra);
    return start(host, port, routes);
  }

  /** Starts a server answering exactly {@code routes}. */
  public static AdminServer start(String host, int port, Map<String, Handler> routes) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
      ExecutorService executor =
          Executors.newFixedThreadPool(2, DaemonThreads.named("attache-admin"));
      server.setExecutor(executor);
      routes.forEach((path, answer) -> server.createContext(path, handler(path, answer)));
      server.start();
      return new AdminServer(server, executor);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + host + ":" + port, e);
    }
  }

  private static Response probe(BooleanSupplier check) {
    return check.getAsBoolean() ? Response.text(200, "ok\n") : Response.text(503, "not ready\n");
  }

  private static HttpHandler handler(String path, Handler answer) {
    return exchange -> {
      try (exchange) {
        if (!exchange.getRequestURI().getPath().equals(path)) {
          send(exchange, Response.text(404, "not found\n"));
          return;
        }
        Response response;
        try {
          byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES);
          response =
              answer.handle(
                  exchange.getRequestMethod(), query(exchange.getRequestURI().getRawQuery()), body);
        } catch (RuntimeException e) {
          response = Response.text(500, "error: " + e.getMessage() + "\n");
        }
        send(exchange, response);
      }
    };
  }

  /**
   * {@code a=1&b=x%20y} as {@code {a=1, b=x y}}; a name without {@code =} has the value "". The
   * server has already refused a request whose URI has a malformed escape.
   */
  private static Map<String, String> query(String raw) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (raw == null) {
      return parameters;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      parameters.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return parameters;
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(response.status(), head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
