package io.attache.authz.http;

import io.attache.authz.core.Decision;
import io.attache.authz.tracing.TracedChecks;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each complete request and answers it, keeping the connection open for the next one unless
 * the client asked to close: Envoy reuses its connections to the auth service.
 *
 * <p>Runs on the event loop that read the request, as the gRPC Check runs with {@code
 * directExecutor}: a decision is CPU work from memory (JWKS keys are fetched off-path, the event
 * sink never blocks), so a thread pool would add a hand-off per request and nothing else. It must
 * never call anything that waits.
 */
@ChannelHandler.Sharable
final class AuthRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(AuthRequestHandler.class);

  /**
   * Set once the connection's last answer is on its way: a request pipelined behind one with {@code
   * Connection: close} (or behind a refused one) is neither decided nor answered (RFC 9112 section
   * 9.6: the server "MUST NOT process any further requests received on that connection").
   */
  static final AttributeKey<Boolean> CLOSING =
      AttributeKey.valueOf(AuthRequestHandler.class, "closing");

  private final String pathPrefix;
  private final TracedChecks service;

  AuthRequestHandler(String pathPrefix, TracedChecks service) {
    this.pathPrefix = pathPrefix;
    this.service = service;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (ctx.channel().hasAttr(CLOSING)) {
      return;
    }
    if (request.decoderResult().isFailure()) {
      // The decoder stops reading this connection's requests after a failure: close it.
      RefusedRequests.answerThenClose(
          ctx, RefusedRequests.statusFor(request.decoderResult().cause()));
      return;
    }
    InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
    Decision decision =
        service.check(
            HttpCheckMapping.toCore(request, peer.getAddress().getHostAddress(), pathPrefix),
            null,
            "http");
    FullHttpResponse response =
        HttpCheckMapping.toResponse(decision, request.method().equals(HttpMethod.HEAD));
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response.headers(), request.protocolVersion(), keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(response);
    } else {
      ctx.channel().attr(CLOSING).set(true);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
      // A plaintext request on the TLS port, or a client without an acceptable certificate: the
      // handshake is the answer. Debug only: a scanner must not be able to flood the log.
      log.debug(
          "http auth connection {}: TLS handshake failed: {}",
          ctx.channel().remoteAddress(),
          cause.getCause().getMessage());
      ctx.close();
      return;
    }
    if (cause instanceof IOException) {
      // The client went away (reset, broken pipe): nothing to answer.
      log.debug(
          "http auth connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
      return;
    }
    // A bug, not a decision: fail closed with a 500, which Envoy passes to the client as a denial.
    log.error("http auth request from {} failed", ctx.channel().remoteAddress(), cause);
    RefusedRequests.answerThenClose(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR);
  }
}
