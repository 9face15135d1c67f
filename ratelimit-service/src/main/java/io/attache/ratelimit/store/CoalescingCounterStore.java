package io.attache.ratelimit.store;

import io.attache.ratelimit.core.CounterStore;
import io.attache.runtime.DaemonThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Coalesces the increments of concurrent requests for a short window ({@code
 * REDIS_PIPELINE_WINDOW}) into one store call, adding up hits per key: a hot key costs one {@code
 * INCRBY} per window instead of one per request.
 *
 * <p>A call made on one of the server's event loops joins that loop's batch, which is flushed on
 * the loop as soon as the loop has handled the reads in hand (never later than the window), so its
 * answer comes back on the thread the call arrived on (see {@link LoopAffinity}); calls made
 * elsewhere share one batch, flushed by a thread of this store when the window ends.
 *
 * <p>Exact all the same: the store returns each key's total after the window's hits, and each
 * request is given the values it would have seen had the requests run one after another in arrival
 * order, so exactly {@code requests_per_unit} of them fit under a limit, never more.
 */
public final class CoalescingCounterStore implements CounterStore {
  private static final int MAX_BATCH_KEYS = 2_048;

  private final CounterStore delegate;
  private final long windowNanos;
  private final CallerLanes lanes;
  private final ScheduledExecutorService flusher =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("ratelimit-coalescer"));
  private final Lane[] onLanes;
  private final Lane offLanes;

  /** Where a batch fills and is flushed; its lock guards its open batch. */
  private static final class Lane {
    final ScheduledExecutorService executor;
    Batch open;

    Lane(ScheduledExecutorService executor) {
      this.executor = executor;
    }
  }

  /** Requests waiting in one window. */
  private static final class Batch {
    final List<Pending> requests = new ArrayList<>();
    final Map<String, long[]> perKey = new LinkedHashMap<>(); // key -> {total hits, max ttl}
  }

  private record Pending(
      String[] keys, long[] hits, long[] offsets, CompletableFuture<long[]> result) {}

  public CoalescingCounterStore(CounterStore delegate, Duration window) {
    this(delegate, window, CallerLanes.none());
  }

  public CoalescingCounterStore(CounterStore delegate, Duration window, CallerLanes lanes) {
    this.delegate = delegate;
    this.windowNanos = window.toNanos();
    this.lanes = lanes;
    this.onLanes = new Lane[lanes.size()];
    for (int i = 0; i < onLanes.length; i++) {
      onLanes[i] = new Lane(lanes.executor(i));
    }
    this.offLanes = new Lane(flusher);
  }

  @Override
  public CompletionStage<long[]> increment(String[] keys, long[] hits, long[] ttlSeconds) {
    CompletableFuture<long[]> result = new CompletableFuture<>();
    int current = lanes.current();
    Lane lane = current >= 0 ? onLanes[current] : offLanes;
    Batch full = null;
    synchronized (lane) {
      Batch open = lane.open;
      if (open == null) {
        open = new Batch();
        lane.open = open;
        Batch scheduled = open;
        if (current >= 0) {
          // On a loop, a task runs once the loop has handled the reads in hand: the batch holds
          // every call those reads brought, and closes sooner than the window would. A timer
          // would add a wake-up per batch and latency for nothing.
          lane.executor.execute(() -> flushIfOpen(lane, scheduled));
        } else {
          lane.executor.schedule(
              () -> flushIfOpen(lane, scheduled), windowNanos, TimeUnit.NANOSECONDS);
        }
      }
      long[] offsets = new long[keys.length];
      for (int i = 0; i < keys.length; i++) {
        long[] totals = open.perKey.computeIfAbsent(keys[i], k -> new long[2]);
        offsets[i] = totals[0]; // hits of earlier requests in this window, for this key
        totals[0] += hits[i];
        totals[1] = Math.max(totals[1], ttlSeconds[i]);
      }
      open.requests.add(new Pending(keys, hits, offsets, result));
      if (open.perKey.size() >= MAX_BATCH_KEYS) {
        full = open;
        lane.open = null;
      }
    }
    if (full != null) {
      flush(full);
    }
    return result;
  }

  private void flushIfOpen(Lane lane, Batch batch) {
    synchronized (lane) {
      if (lane.open != batch) {
        return; // already flushed because it filled up
      }
      lane.open = null;
    }
    flush(batch);
  }

  private void flush(Batch batch) {
    int size = batch.perKey.size();
    String[] keys = new String[size];
    long[] totals = new long[size];
    long[] ttls = new long[size];
    Map<String, Integer> index = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, long[]> entry : batch.perKey.entrySet()) {
      keys[i] = entry.getKey();
      totals[i] = entry.getValue()[0];
      ttls[i] = entry.getValue()[1];
      index.put(entry.getKey(), i++);
    }
    delegate
        .increment(keys, totals, ttls)
        .whenComplete(
            (after, error) -> {
              for (Pending request : batch.requests) {
                if (error != null) {
                  request.result().completeExceptionally(error);
                  continue;
                }
                long[] values = new long[request.keys().length];
                for (int k = 0; k < values.length; k++) {
                  int at = index.get(request.keys()[k]);
                  long before = after[at] - totals[at];
                  values[k] = before + request.offsets()[k] + request.hits()[k];
                }
                request.result().complete(values);
              }
            });
  }

  /**
   * Not coalesced: a bucket's take depends on the one before it, so takes cannot be summed as
   * increments can. Passed straight to the store.
   */
  @Override
  public CompletionStage<long[]> takeTokens(
      String[] keys, long[] hits, long[] emissionMicros, long[] capacityMicros) {
    return delegate.takeTokens(keys, hits, emissionMicros, capacityMicros);
  }

  /** Not coalesced, for the same reason: whether hits count depends on the count before them. */
  @Override
  public CompletionStage<long[]> countSliding(
      String[] keys, long[] hits, long[] limits, long[] windowMicros) {
    return delegate.countSliding(keys, hits, limits, windowMicros);
  }

  @Override
  public CompletionStage<long[]> get(String[] keys) {
    return delegate.get(keys);
  }

  @Override
  public void close() {
    flusher.shutdown();
    try {
      flusher.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    delegate.close();
  }
}
