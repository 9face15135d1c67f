package io.attache.authz.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Answers a request the server layer cannot hand to the policy (unparsable, or over a size limit)
 * with the precise status, then closes its connection. It never answers for the policy: these are
 * protocol errors, not decisions.
 */
final class RefusedRequests {
  /** How long a refused connection is drained before it is closed regardless. */
  private static final long LINGER_SECONDS = 5;

  private RefusedRequests() {}

  /** 431 for headers over the limit, 414 for a request line over it, 400 for anything else. */
  static HttpResponseStatus statusFor(Throwable decodeFailure) {
    if (decodeFailure instanceof TooLongHttpHeaderException) {
      return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    if (decodeFailure instanceof TooLongHttpLineException) {
      return HttpResponseStatus.REQUEST_URI_TOO_LONG;
    }
    return HttpResponseStatus.BAD_REQUEST;
  }

  /**
   * Sends {@code status} with {@code Connection: close}, then closes our side only and discards
   * what the client still sends until it closes too (or {@link #LINGER_SECONDS} pass). Closing at
   * once with unread bytes in the socket makes the kernel send a reset, which can destroy the
   * answer before the client reads it; the rest of an oversized request is usually still in flight.
   */
  static void answerThenClose(ChannelHandlerContext ctx, HttpResponseStatus status) {
    ctx.channel().attr(AuthRequestHandler.CLOSING).set(true);
    byte[] body = (status.reasonPhrase() + "\n").getBytes(StandardCharsets.US_ASCII);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  Channel channel = written.channel();
                  if (!written.isSuccess() || !(channel instanceof DuplexChannel duplex)) {
                    channel.close();
                    return;
                  }
                  channel.pipeline().addFirst(new Discard());
                  duplex.shutdownOutput();
                  channel
                      .eventLoop()
                      .schedule(() -> channel.close(), LINGER_SECONDS, TimeUnit.SECONDS);
                });
  }

  /** First in a refused connection's pipeline: what the client still sends goes nowhere. */
  private static final class Discard extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }
  }
}
