package io.attache.authz.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Collects a request with its body (Emissary's {@code include_body} forwards up to {@code
 * max_bytes} of it) up to a limit, and answers 413 past it. Netty's own answer closes at once on a
 * non-keep-alive request, which can reset the connection before the client reads the 413; this one
 * drains first ({@link RefusedRequests#answerThenClose}).
 */
final class BodyLimit extends HttpObjectAggregator {
  BodyLimit(int maxBodyBytes) {
    super(maxBodyBytes);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    RefusedRequests.answerThenClose(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
  }
}
