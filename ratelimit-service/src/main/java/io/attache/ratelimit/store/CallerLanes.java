package io.attache.ratelimit.store;

import java.util.concurrent.ScheduledExecutorService;

/**
 * The threads calls arrive on that can also run work later: the gRPC server's event loops. A store
 * that batches calls keeps one batch per lane and flushes it on that lane, so the batch's answer
 * comes back on the thread its calls arrived on.
 */
public interface CallerLanes {
  /** The lane running this call, or -1 when it runs on none. */
  int current();

  /** Runs a lane's delayed work on the lane itself. */
  ScheduledExecutorService executor(int lane);

  int size();

  /** No lanes: every call counts as off them. */
  static CallerLanes none() {
    return new CallerLanes() {
      @Override
      public int current() {
        return -1;
      }

      @Override
      public ScheduledExecutorService executor(int lane) {
        throw new IndexOutOfBoundsException(lane);
      }

      @Override
      public int size() {
        return 0;
      }
    };
  }
}
