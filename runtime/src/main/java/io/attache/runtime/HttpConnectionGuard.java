package io.attache.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Enforces {@link HttpLimits} on one HTTP/1.1 port's connections, and counts what it closes: {@code
 * attache_http_connections_open{port}} and {@code
 * attache_http_connections_closed_total{port,reason}} with reason {@code header_timeout}, {@code
 * idle_timeout} or {@code over_capacity}.
 *
 * <p>Each connection gets a watch on both sides of the HTTP codec: before it, to see the first byte
 * of a request on a kept-alive connection (when the header timeout starts again); after it, to see
 * a head and a body complete and a response written. Everything runs on the connection's event
 * loop, so a watch needs no locks.
 */
public final class HttpConnectionGuard {
  private static final byte[] OVER_CAPACITY =
      ("HTTP/1.1 503 Service Unavailable\r\n"
              + "content-type: text/plain; charset=utf-8\r\n"
              + "content-length: 26\r\n"
              + "connection: close\r\n\r\n"
              + "too many open connections\n")
          .getBytes(StandardCharsets.US_ASCII);

  private final HttpLimits limits;
  private final AtomicInteger open = new AtomicInteger();
  private final Counter headerTimeouts;
  private final Counter idleTimeouts;
  private final Counter overCapacity;

  public HttpConnectionGuard(HttpLimits limits, MeterRegistry registry, String port) {
    this.limits = limits;
    Gauge.builder("attache.http.connections.open", open, AtomicInteger::get)
        .description("HTTP connections open on this port")
        .tag("port", port)
        .register(registry);
    headerTimeouts = closed(registry, port, "header_timeout");
    idleTimeouts = closed(registry, port, "idle_timeout");
    overCapacity = closed(registry, port, "over_capacity");
  }

  private static Counter closed(MeterRegistry registry, String port, String reason) {
    return Counter.builder("attache.http.connections.closed")
        .description("HTTP connections this server closed to keep its limits")
        .tag("port", port)
        .tag("reason", reason)
        .register(registry);
  }

  /** How many connections are open now. */
  public int openConnections() {
    return open.get();
  }

  /** Adds {@code codec} to the pipeline, watched on both sides. */
  public void addWatched(ChannelPipeline pipeline, HttpServerCodec codec) {
    Watch watch = new Watch();
    pipeline.addLast(watch.bytes, codec, watch.messages);
  }

  private enum Phase {
    HEAD,
    BODY,
    ANSWERING,
    IDLE,
    REFUSED
  }

  private final class Watch {
    private Phase phase = Phase.HEAD;
    private boolean counted;
    private ScheduledFuture<?> timer;
    private ChannelHandlerContext context;

    final ChannelInboundHandlerAdapter bytes =
        new ChannelInboundHandlerAdapter() {
          /** Added to a channel already active (as an EmbeddedChannel is): it opened now. */
          @Override
          public void handlerAdded(ChannelHandlerContext ctx) {
            context = ctx;
            if (ctx.channel().isActive()) {
              opened(ctx);
            }
          }

          @Override
          public void channelActive(ChannelHandlerContext ctx) {
            context = ctx;
            if (opened(ctx)) {
              ctx.fireChannelActive();
            }
          }

          @Override
          public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (phase == Phase.REFUSED) {
              ReferenceCountUtil.release(message);
              return;
            }
            if (phase == Phase.IDLE) {
              phase = Phase.HEAD;
              arm(limits.headerTimeout(), headerTimeouts);
            }
            ctx.fireChannelRead(message);
          }

          @Override
          public void channelInactive(ChannelHandlerContext ctx) {
            if (counted) {
              open.decrementAndGet();
            }
            cancel();
            ctx.fireChannelInactive();
          }
        };

    final ChannelDuplexHandler messages =
        new ChannelDuplexHandler() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof HttpRequest) {
              phase = Phase.BODY;
              arm(limits.headerTimeout(), headerTimeouts);
            }
            if (message instanceof LastHttpContent && phase == Phase.BODY) {
              phase = Phase.ANSWERING;
              cancel();
            }
            ctx.fireChannelRead(message);
          }

          @Override
          public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
            if (message instanceof LastHttpContent) {
              // Only once the whole request was read: an early answer (413, 400) leaves the
              // request's own timer running.
              promise.addListener(
                  written -> {
                    if (written.isSuccess() && phase == Phase.ANSWERING) {
                      phase = Phase.IDLE;
                      arm(limits.idleTimeout(), idleTimeouts);
                    }
                  });
            }
            ctx.write(message, promise);
          }
        };

    /**
     * Answers 503 and ends the connection's sending side, reading (and dropping) what the client
     * still sends until it closes or the header timeout passes: closing at once with its request
     * unread would make the kernel reset the connection, and the client could lose the answer.
     */
    /** Counts the connection and starts its clock; false when it is refused (over the cap). */
    private boolean opened(ChannelHandlerContext ctx) {
      if (counted) {
        return true;
      }
      counted = true;
      if (open.incrementAndGet() > limits.maxConnections()) {
        refuse(ctx);
        return false;
      }
      arm(limits.headerTimeout(), headerTimeouts);
      return true;
    }

    private void refuse(ChannelHandlerContext ctx) {
      phase = Phase.REFUSED;
      overCapacity.increment();
      // Written through TLS when there is TLS, so after a handshake: the timer also closes a
      // client that never completes one.
      arm(limits.headerTimeout(), overCapacity);
      ctx.writeAndFlush(Unpooled.wrappedBuffer(OVER_CAPACITY))
          .addListener(
              written -> {
                if (written.isSuccess() && ctx.channel() instanceof DuplexChannel duplex) {
                  duplex.shutdownOutput();
                } else {
                  ctx.close();
                }
              });
    }

    private void arm(Duration timeout, Counter reason) {
      cancel();
      timer =
          context
              .executor()
              .schedule(
                  () -> {
                    if (context.channel().isActive()) {
                      if (phase != Phase.REFUSED) {
                        reason.increment();
                      }
                      context.close();
                    }
                  },
                  timeout.toNanos(),
                  TimeUnit.NANOSECONDS);
    }

    private void cancel() {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }
  }
}
