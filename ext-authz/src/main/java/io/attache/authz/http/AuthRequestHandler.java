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
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
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
 * never call anything that waits: a decision that needs a call out completes later, and is answered
 * then on this connection's event loop.
 */
@ChannelHandler.Sharable
final class AuthRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(AuthRequestHandler.class);

  /**
   * Set once the connection's last answer is on its way: a request pipelined behind one with {@code
   * Connection: close} (or behind a refused one) is neither decided nor answered (RFC 9112 section
   * 9.6: the server "MUST NOT process any further requests received on that connection"). Set when
   * such a request arrives, so one pipelined behind it is dropped even while it is still decided.
   */
  static final AttributeKey<Boolean> CLOSING =
      AttributeKey.valueOf(AuthRequestHandler.class, "closing");

  /** The answer still to be written for this connection's latest request that had to wait. */
  private static final AttributeKey<CompletableFuture<Void>> ANSWERING =
      AttributeKey.valueOf(AuthRequestHandler.class, "answering");

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
    CompletableFuture<Decision> decided =
        service.check(
            HttpCheckMapping.toCore(request, peer.getAddress().getHostAddress(), pathPrefix),
            null,
            "http");
    boolean head = request.method().equals(HttpMethod.HEAD);
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpVersion version = request.protocolVersion();
    if (!keepAlive) {
      ctx.channel().attr(CLOSING).set(true);
    }
    CompletableFuture<Void> earlier = ctx.channel().attr(ANSWERING).get();
    if (decided.isDone() && earlier == null) {
      answer(ctx, decided.join(), head, keepAlive, version);
      return;
    }
    // An identity method is calling out, or an earlier request of this connection still is.
    // Answers leave in request order (HTTP/1.1 pipelining), so this one waits for the earlier
    // one, and the connection reads nothing more until all are answered; the event loop serves
    // the other connections meanwhile.
    ctx.channel().config().setAutoRead(false);
    // After the earlier answer whatever became of it; a failed earlier one has closed the
    // connection.
    CompletableFuture<Decision> ready =
        earlier == null
            ? decided
            : earlier.handle((done, failure) -> null).thenCompose(done -> decided);
    CompletableFuture<Void> answered =
        ready.handleAsync(
            (decision, failure) -> {
              if (failure == null) {
                answer(ctx, decision, head, keepAlive, version);
              } else {
                // Never left unanswered (Envoy would wait out its timeout): a 500, then close.
                log.error("http auth answer failed", failure);
                RefusedRequests.answerThenClose(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR);
              }
              return null;
            },
            ctx.executor());
    ctx.channel().attr(ANSWERING).set(answered);
    answered.whenComplete(
        (done, failure) -> {
          if (ctx.channel().attr(ANSWERING).compareAndSet(answered, null)) {
            ctx.channel().config().setAutoRead(true);
          }
        });
  }

  private static void answer(
      ChannelHandlerContext ctx,
      Decision decision,
      boolean head,
      boolean keepAlive,
      HttpVersion version) {
    FullHttpResponse response = HttpCheckMapping.toResponse(decision, head);
    HttpUtil.setKeepAlive(response.headers(), version, keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(response);
    } else {
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
