package io.attache.ratelimit.store;

import io.attache.runtime.EventLoops;
import io.lettuce.core.resource.EpollProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One set of Netty event loops for the gRPC server and the Redis client, so that a call can be
 * answered on the thread that received it (see {@link LoopAffinity}). The transport is the one
 * Lettuce picks for itself (epoll where available and not disabled, NIO otherwise), because its
 * channels must register with loops of their own transport. One loop per core, as for every server
 * (see {@link EventLoops}).
 */
public final class NettyEventLoops implements AutoCloseable {
  private final EventLoopGroup group;
  private final Class<? extends ServerChannel> serverChannelType;

  private NettyEventLoops(EventLoopGroup group, Class<? extends ServerChannel> serverChannelType) {
    this.group = group;
    this.serverChannelType = serverChannelType;
  }

  public static NettyEventLoops create() {
    boolean epoll = EpollProvider.isAvailable();
    return new NettyEventLoops(
        EventLoops.newGroup("attache-io", epoll), EventLoops.serverChannelType(epoll));
  }

  public EventLoopGroup group() {
    return group;
  }

  public Class<? extends ServerChannel> serverChannelType() {
    return serverChannelType;
  }

  /** The loops as lanes a batching store can flush on. */
  public CallerLanes lanes() {
    List<EventExecutor> executors = new ArrayList<>();
    group.forEach(executors::add);
    EventExecutor[] loops = executors.toArray(new EventExecutor[0]);
    return new CallerLanes() {
      @Override
      public int current() {
        for (int i = 0; i < loops.length; i++) {
          if (loops[i].inEventLoop()) {
            return i;
          }
        }
        return -1;
      }

      @Override
      public ScheduledExecutorService executor(int lane) {
        return loops[lane];
      }

      @Override
      public int size() {
        return loops.length;
      }
    };
  }

  /** After the gRPC server and the Redis client have closed: nothing runs on the loops then. */
  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
