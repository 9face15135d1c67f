package io.attache.runtime;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.SystemPropertyUtil;

/**
 * Netty event loops for a gRPC server: one per core, where Netty (and so grpc-java) defaults to
 * two. Our handlers never block (calls run on the loop that read them), so a second loop per core
 * adds no capacity, only context switches between loops on one core and, with a Redis backend,
 * twice the connections and half the batching per loop. Measured on one core (`bin/bench run`,
 * ratelimit-redis): 32 µs of CPU per call with two loops, 13 µs with one. {@code
 * io.netty.eventLoopThreads} still sets the number, as it does for Netty.
 */
public final class EventLoops {
  private static final String THREADS_PROPERTY = "io.netty.eventLoopThreads";

  private EventLoops() {}

  /** How many loops: {@code io.netty.eventLoopThreads} if set, else one per available core. */
  public static int threads() {
    return Math.max(
        1, SystemPropertyUtil.getInt(THREADS_PROPERTY, NettyRuntime.availableProcessors()));
  }

  /** A group of {@link #threads()} loops on epoll where available, NIO otherwise. */
  public static EventLoopGroup newGroup(String threadPrefix) {
    return newGroup(threadPrefix, Epoll.isAvailable());
  }

  /**
   * A group of {@link #threads()} loops on epoll or NIO, for a caller that must match another
   * library's choice of transport (Lettuce's, whose channels register with these loops).
   */
  public static EventLoopGroup newGroup(String threadPrefix, boolean epoll) {
    return new MultiThreadIoEventLoopGroup(
        threads(),
        new DefaultThreadFactory(threadPrefix, true),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  /** The server channel type that fits {@link #newGroup(String)}'s loops. */
  public static Class<? extends ServerChannel> serverChannelType() {
    return serverChannelType(Epoll.isAvailable());
  }

  /** The server channel type for loops on epoll or NIO. */
  public static Class<? extends ServerChannel> serverChannelType(boolean epoll) {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }
}
