package io.attache.authz.http;

import io.attache.authz.decision.AuthzService;
import io.attache.authz.tracing.TracedChecks;
import io.attache.runtime.EventLoops;
import io.attache.runtime.HttpConnectionGuard;
import io.attache.runtime.HttpLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Emissary's plain-HTTP AuthService mode ({@code proto: http}): Emissary sends each request's
 * method and path (after {@code path_prefix}) with its allowed headers here. A 200 allows it, and
 * Emissary copies the {@code allowed_authorization_headers} of this answer onto the upstream
 * request; any other answer goes back to the client as it is (status, headers, body). Same
 * decisions as gRPC: one core. Request headers to remove go in {@code
 * x-envoy-auth-headers-to-remove}, which Envoy's HTTP ext_authz client reads from a 200 whatever
 * Emissary's allowlists say.
 *
 * <p>Netty's HTTP/1.1 codec, not the JDK's {@code HttpServer}: that one parses the target with
 * {@code java.net.URI} and answers 400 itself to any target URI rejects ({@code ?filter={"a":1}}, a
 * {@code |}, a bad {@code %} escape), which browsers and curl send and Envoy forwards. Here the
 * target reaches the policy as sent ({@link RequestTarget}); the server layer refuses only what is
 * not HTTP or is over a size limit ({@link RefusedRequests}).
 */
public final class HttpAuthServer implements AutoCloseable {
  /**
   * Envoy refuses requests whose headers, {@code :path} included, exceed {@code
   * max_request_headers_kb} (60 KiB by default); a check request carries at most those plus Envoy's
   * own few, so these limits answer what Envoy forwards and bound what else may come.
   */
  static final int MAX_REQUEST_LINE_BYTES = 64 * 1024;

  static final int MAX_HEADER_BYTES = 64 * 1024;

  /**
   * Emissary's {@code include_body} forwards up to {@code max_bytes} of a body (4 KiB by default);
   * Envoy buffers no more than 1 MiB per request by default. The body is read and not used.
   */
  static final int MAX_BODY_BYTES = 1 << 20;

  private final EventLoopGroup loops;
  private final Channel listener;

  private HttpAuthServer(EventLoopGroup loops, Channel listener) {
    this.loops = loops;
    this.listener = listener;
  }

  /**
   * A connection's handlers after TLS: HTTP/1.1 within the limits above, held to {@code guard}'s
   * timeouts and cap, then whole requests to {@code handler}. The fuzz target (AuthRequestFuzzTest)
   * drives the same pipeline.
   */
  static void addHttpHandlers(
      ChannelPipeline pipeline, AuthRequestHandler handler, HttpConnectionGuard guard) {
    HttpDecoderConfig limits =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
            .setMaxHeaderSize(MAX_HEADER_BYTES);
    guard.addWatched(pipeline, new HttpServerCodec(limits));
    pipeline.addLast(new BodyLimit(MAX_BODY_BYTES), handler);
  }

  /** Untraced, in plaintext, with {@link HttpLimits#AUTH_DEFAULTS}, counted nowhere. */
  public static HttpAuthServer start(
      String host, int port, String pathPrefix, AuthzService service) {
    return start(
        host,
        port,
        pathPrefix,
        TracedChecks.untraced(service),
        Optional.empty(),
        new HttpConnectionGuard(HttpLimits.AUTH_DEFAULTS, new SimpleMeterRegistry(), "http"));
  }

  /**
   * As above, over TLS when {@code tls} is given ({@code GRPC_SERVER_USE_TLS}, for Emissary's
   * {@code tls: true}): then every connection must complete a handshake first, and a plaintext
   * request is never read. Every connection is held to the {@code guard}'s limits ({@code
   * HTTP_HEADER_TIMEOUT}, {@code HTTP_IDLE_TIMEOUT}, {@code HTTP_MAX_CONNECTIONS}); the header
   * timeout runs from the connection's opening, so it covers the TLS handshake too.
   */
  public static HttpAuthServer start(
      String host,
      int port,
      String pathPrefix,
      TracedChecks service,
      Optional<SslContext> tls,
      HttpConnectionGuard guard) {
    EventLoopGroup loops = EventLoops.newGroup("attache-http-auth");
    AuthRequestHandler handler = new AuthRequestHandler(pathPrefix, service);
    try {
      Channel listener =
          new ServerBootstrap()
              .group(loops)
              .channel(EventLoops.serverChannelType())
              .option(ChannelOption.SO_BACKLOG, 256)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                      tls.ifPresent(
                          context ->
                              channel.pipeline().addLast(context.newHandler(channel.alloc())));
                      addHttpHandlers(channel.pipeline(), handler, guard);
                    }
                  })
              .bind(host, port)
              .syncUninterruptibly()
              .channel();
      return new HttpAuthServer(loops, listener);
    } catch (Exception e) { // bind failures arrive undeclared (a BindException)
      loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new UncheckedIOException(
          "cannot listen on HTTP auth port " + host + ":" + port,
          e instanceof IOException io ? io : new IOException(e));
    }
  }

  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Stops listening and closes open connections at once, as the JDK server's stop(0) did. */
  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
