package io.attache.runtime;

import io.grpc.netty.NettyServerBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What a gRPC port allows a client: how long its connection lives ({@link ConnectionAge}), how
 * large one message may be, how many calls one connection may have open, and how often it may ping.
 *
 * @param maxInboundMessageBytes {@code GRPC_MAX_INBOUND_MESSAGE_BYTES}: a larger request message is
 *     refused with RESOURCE_EXHAUSTED before it is read whole (grpc-java's default, 4 MiB; raise it
 *     for an ext_authz {@code with_request_body} past that).
 * @param maxConcurrentStreams {@code GRPC_MAX_CONCURRENT_STREAMS}: advertised in HTTP/2 SETTINGS; a
 *     stream past it is reset with REFUSED_STREAM, which a client may retry on another connection
 *     (Envoy opens one when its streams reach the peer's limit).
 * @param permitKeepAliveTime {@code GRPC_PERMIT_KEEPALIVE_TIME}: a client pinging more often than
 *     this, with calls open or not, is sent GOAWAY ({@code ENHANCE_YOUR_CALM}, "too_many_pings")
 *     after its third such ping. grpc-java clients cannot ping more often than every 10 s; set
 *     Envoy's {@code connection_keepalive.interval} no shorter than this.
 */
public record GrpcLimits(
    ConnectionAge connectionAge,
    int maxInboundMessageBytes,
    int maxConcurrentStreams,
    Duration permitKeepAliveTime) {
  public static final GrpcLimits DEFAULTS =
      new GrpcLimits(ConnectionAge.REFERENCE_DEFAULTS, 4 << 20, 1000, Duration.ofSeconds(10));

  public GrpcLimits {
    if (maxInboundMessageBytes < 1 || maxConcurrentStreams < 1) {
      throw new IllegalArgumentException("message size and streams must be at least 1");
    }
    if (permitKeepAliveTime.isNegative()) {
      throw new IllegalArgumentException("the keepalive time must not be negative");
    }
  }

  /** The four variables and {@link ConnectionAge}'s, with the defaults above. */
  public static GrpcLimits fromSettings(Settings settings) {
    return new GrpcLimits(
        ConnectionAge.fromSettings(settings),
        settings.integer(
            "GRPC_MAX_INBOUND_MESSAGE_BYTES",
            DEFAULTS.maxInboundMessageBytes(),
            1024,
            Integer.MAX_VALUE),
        settings.integer(
            "GRPC_MAX_CONCURRENT_STREAMS", DEFAULTS.maxConcurrentStreams(), 1, Integer.MAX_VALUE),
        nonNegative(settings, "GRPC_PERMIT_KEEPALIVE_TIME", DEFAULTS.permitKeepAliveTime()));
  }

  private static Duration nonNegative(Settings settings, String name, Duration defaultValue) {
    Duration value = settings.duration(name, defaultValue);
    if (value.isNegative()) {
      settings.reject(name, "must not be negative");
      return defaultValue;
    }
    return value;
  }

  public void applyTo(NettyServerBuilder server) {
    connectionAge.applyTo(server);
    server
        .maxInboundMessageSize(maxInboundMessageBytes)
        .maxConcurrentCallsPerConnection(maxConcurrentStreams)
        .permitKeepAliveTime(permitKeepAliveTime.toNanos(), TimeUnit.NANOSECONDS)
        .permitKeepAliveWithoutCalls(true);
  }
}
