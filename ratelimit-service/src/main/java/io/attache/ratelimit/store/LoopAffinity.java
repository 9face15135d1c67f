package io.attache.ratelimit.store;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which pooled Redis connection lives on which event loop, when the gRPC server and the Redis
 * client share loops. A call that arrives on a loop then writes its commands to a connection of
 * that same loop: the write goes out inline and the answer is read, completed and written back to
 * the gRPC stream on that thread, with no hand-off to another thread and back (each hand-off wakes
 * a thread, which on a busy core costs more than the Redis call itself).
 *
 * <p>Lettuce tells a connection's listeners that it connected from the connection's own loop, on
 * the first connect and after every reconnect (which may move it to another loop); that is how the
 * map is learnt and kept current. Only a hint: a call made off the loops, or on a loop without a
 * connection, takes the next connection of the pool as before.
 */
final class LoopAffinity<C> implements RedisConnectionStateListener {
  private final EventExecutor[] loops;
  private final List<C> pool = new CopyOnWriteArrayList<>();
  private final Map<RedisChannelHandler<?, ?>, Integer> loopOf = new ConcurrentHashMap<>();
  private volatile Object[] byLoop;

  LoopAffinity(EventLoopGroup group) {
    List<EventExecutor> executors = new ArrayList<>();
    group.forEach(executors::add);
    loops = executors.toArray(new EventExecutor[0]);
    byLoop = new Object[loops.length];
  }

  /** A connection of the pool; only these are ever handed out. */
  void add(C connection) {
    pool.add(connection);
    refresh();
  }

  void clear() {
    pool.clear();
    refresh();
  }

  /**
   * The index of the loop running this call when it has a connection of the pool, or -1 when the
   * call runs off the loops or on one without a connection.
   */
  int currentLoop() {
    Object[] connections = byLoop;
    for (int i = 0; i < loops.length; i++) {
      if (connections[i] != null && loops[i].inEventLoop()) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The pool's connection on that loop, or null if it has none now (it may have lost it to a
   * reconnect since {@link #currentLoop}; null rather than Optional: this runs on every call).
   */
  @SuppressWarnings("unchecked")
  C connection(int loop) {
    return (C) byLoop[loop];
  }

  EventExecutor loop(int index) {
    return loops[index];
  }

  int loops() {
    return loops.length;
  }

  /** How many loops have a connection of the pool: for tests and logs. */
  int loopsCovered() {
    int covered = 0;
    for (Object connection : byLoop) {
      covered += connection != null ? 1 : 0;
    }
    return covered;
  }

  @Override
  public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
    for (int i = 0; i < loops.length; i++) {
      if (loops[i].inEventLoop()) {
        loopOf.put(connection, i);
        refresh();
        return;
      }
    }
  }

  @Override
  public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
    if (loopOf.remove(connection) != null) {
      refresh();
    }
  }

  private synchronized void refresh() {
    Object[] next = new Object[loops.length];
    for (C connection : pool) {
      Integer loop = loopOf.get(connection);
      if (loop != null && next[loop] == null) {
        next[loop] = connection;
      }
    }
    byLoop = next;
  }
}
