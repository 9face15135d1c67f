package io.attache.ratelimit.store;

import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Hands Lettuce event loops it does not own: the ones the gRPC server runs on. Lettuce asks for a
 * group per transport class; the group given was built for the transport Lettuce itself picks (see
 * {@code EventLoops} in the app), so one group serves every request. Releasing or shutting down
 * leaves the loops running: their owner stops them after the gRPC server.
 */
final class SharedEventLoops implements EventLoopGroupProvider {
  private final EventLoopGroup group;
  private final int size;

  SharedEventLoops(EventLoopGroup group) {
    this.group = group;
    int count = 0;
    for (Object ignored : group) {
      count++;
    }
    this.size = count;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends EventLoopGroup> T allocate(Class<T> type) {
    // Lettuce names the group class of its transport (e.g. EpollEventLoopGroup) but only uses it
    // as an EventLoopGroup; the shared group runs the same transport under Netty 4.2's IoHandlers.
    return (T) group;
  }

  @Override
  public int threadPoolSize() {
    return size;
  }

  @Override
  public Future<Boolean> release(
      EventExecutorGroup eventLoopGroup, long quietPeriod, long timeout, TimeUnit unit) {
    return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
  }

  @Override
  public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit timeUnit) {
    return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
  }
}
