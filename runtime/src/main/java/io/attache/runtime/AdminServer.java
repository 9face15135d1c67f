package io.attache.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The admin HTTP endpoints every service has: {@code /healthz} (the process is alive), {@code
 * /readyz} (it has a usable configuration and can serve), {@code /metrics} (Prometheus text), plus
 * whatever the service adds (a config dump, ...). Handlers run on two threads of their own, never
 * on the request path; more than {@link #QUEUED} requests waiting for them are answered 503.
 *
 * <p>Netty, not the JDK's {@code HttpServer}, whose handler threads read the request head
 * themselves: two clients sending half a head would stop every probe, and the kubelet would restart
 * a healthy process. Here heads are read on an event loop and connections are held to {@link
 * HttpLimits} ({@code ADMIN_HEADER_TIMEOUT}, {@code ADMIN_IDLE_TIMEOUT}, {@code
 * ADMIN_MAX_CONNECTIONS}).
 */
public final class AdminServer implements AutoCloseable {
  private static final int MAX_BODY_BYTES = 1 << 20;
  private static final int MAX_HEAD_BYTES = 16 * 1024;
  static final int QUEUED = 64;

  private final EventLoopGroup loops;
  private final Channel listener;
  private final ThreadPoolExecutor handlers;

  private AdminServer(EventLoopGroup loops, Channel listener, ThreadPoolExecutor handlers) {
    this.loops = loops;
    this.listener = listener;
    this.handlers = handlers;
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
      HttpLimits limits,
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
    return start(host, port, new HttpConnectionGuard(limits, registry, "admin"), routes);
  }

  /**
   * Starts a server answering exactly {@code routes}, its connections counted in {@code registry}
   * under {@code port=<portName>}.
   */
  public static AdminServer start(
      String host,
      int port,
      HttpLimits limits,
      MeterRegistry registry,
      String portName,
      Map<String, Handler> routes) {
    return start(host, port, new HttpConnectionGuard(limits, registry, portName), routes);
  }

  private static AdminServer start(
      String host, int port, HttpConnectionGuard guard, Map<String, Handler> routes) {
    EventLoopGroup loops =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("attache-admin-io", true), NioIoHandler.newFactory());
    ThreadPoolExecutor handlers =
        new ThreadPoolExecutor(
            2,
            2,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED),
            DaemonThreads.named("attache-admin"));
    Map<String, Handler> copy = Map.copyOf(routes);
    try {
      Channel listener =
          new ServerBootstrap()
              .group(loops)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 64)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                      guard.addWatched(
                          channel.pipeline(),
                          new HttpServerCodec(
                              new HttpDecoderConfig()
                                  .setMaxInitialLineLength(MAX_HEAD_BYTES)
                                  .setMaxHeaderSize(MAX_HEAD_BYTES)));
                      channel
                          .pipeline()
                          .addLast(
                              new HttpObjectAggregator(MAX_BODY_BYTES),
                              new Dispatch(copy, handlers));
                    }
                  })
              .bind(host, port)
              .syncUninterruptibly()
              .channel();
      return new AdminServer(loops, listener, handlers);
    } catch (Exception e) { // bind failures arrive undeclared (a BindException)
      loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      handlers.shutdownNow();
      throw new UncheckedIOException(
          "cannot listen on port " + host + ":" + port,
          e instanceof IOException io ? io : new IOException(e));
    }
  }

  private static Response probe(BooleanSupplier check) {
    return check.getAsBoolean() ? Response.text(200, "ok\n") : Response.text(503, "not ready\n");
  }

  /**
   * Reads one request at a time per connection (reading pauses while its handler runs), so answers
   * go out in the order asked even when a client pipelines.
   */
  private static final class Dispatch extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Map<String, Handler> routes;
    private final ThreadPoolExecutor handlers;

    Dispatch(Map<String, Handler> routes, ThreadPoolExecutor handlers) {
      this.routes = routes;
      this.handlers = handlers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
      if (!request.decoderResult().isSuccess()) {
        send(ctx, request, Response.text(400, "bad request\n"), false);
        return;
      }
      QueryStringDecoder target;
      Map<String, String> query;
      try {
        target = new QueryStringDecoder(request.uri());
        query = lastOfEach(target.parameters());
      } catch (IllegalArgumentException e) {
        send(ctx, request, Response.text(400, "bad request target\n"), keepAlive);
        return;
      }
      Handler answer = routes.get(target.path());
      if (answer == null) {
        send(ctx, request, Response.text(404, "not found\n"), keepAlive);
        return;
      }
      String method = request.method().name();
      byte[] body = ByteBufUtil.getBytes(request.content());
      FullHttpRequest asked = request.replace(Unpooled.EMPTY_BUFFER); // what send reads
      ctx.channel().config().setAutoRead(false);
      try {
        handlers.execute(() -> send(ctx, asked, answer(answer, method, query, body), keepAlive));
      } catch (RejectedExecutionException e) {
        send(ctx, asked, Response.text(503, "admin server busy\n"), false);
      }
    }

    private static Response answer(
        Handler answer, String method, Map<String, String> query, byte[] body) {
      try {
        return answer.handle(method, query, body);
      } catch (RuntimeException e) {
        return Response.text(500, "error: " + e.getMessage() + "\n");
      }
    }

    private static Map<String, String> lastOfEach(Map<String, List<String>> parameters) {
      Map<String, String> last = new LinkedHashMap<>();
      parameters.forEach((name, values) -> last.put(name, values.get(values.size() - 1)));
      return last;
    }

    /** Answers {@code request} in its HTTP version; a HEAD gets the length and no body. */
    private static void send(
        ChannelHandlerContext ctx, HttpRequest request, Response response, boolean keepAlive) {
      byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
      boolean head = HttpMethod.HEAD.equals(request.method());
      FullHttpResponse answer =
          new DefaultFullHttpResponse(
              request.protocolVersion(),
              HttpResponseStatus.valueOf(response.status()),
              head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
      answer
          .headers()
          .set(HttpHeaderNames.CONTENT_TYPE, response.contentType())
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      HttpUtil.setKeepAlive(answer, keepAlive);
      ctx.writeAndFlush(answer)
          .addListener(
              written -> {
                if (!keepAlive || !written.isSuccess()) {
                  ctx.close();
                } else {
                  ctx.channel().config().setAutoRead(true);
                }
              });
    }
  }

  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    handlers.shutdownNow();
  }
}
