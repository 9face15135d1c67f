package io.attache.bench.xds;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One endpoint change being followed: armed on every client before the publish, it keeps, per
 * client, when the first endpoints response after it arrived, when that response was ACKed, its
 * serialized size and resource count. Each client writes only its own slots; {@link #await} makes
 * them visible to the reader.
 */
final class PushRound {
  private final long publishedNanos;
  private final long[] ackedNanos;
  private final int[] bytes;
  private final int[] resources;
  private final CountDownLatch acked;
  private final AtomicInteger extraResponses = new AtomicInteger();
  private volatile long firstReceivedNanos = Long.MAX_VALUE;

  PushRound(int clients, long publishedNanos) {
    this.publishedNanos = publishedNanos;
    this.ackedNanos = new long[clients];
    this.bytes = new int[clients];
    this.resources = new int[clients];
    this.acked = new CountDownLatch(clients);
    Arrays.fill(ackedNanos, -1);
  }

  /** Client {@code client} received an endpoints response at {@code receivedNanos} and ACKed it. */
  void record(int client, long receivedNanos, long ackNanos, int size, int resourceCount) {
    if (ackedNanos[client] >= 0) {
      // A second endpoints push for one change: the control plane sent more than it had to.
      extraResponses.incrementAndGet();
      return;
    }
    synchronized (this) {
      firstReceivedNanos = Math.min(firstReceivedNanos, receivedNanos);
    }
    ackedNanos[client] = ackNanos;
    bytes[client] = size;
    resources[client] = resourceCount;
    acked.countDown();
  }

  /** Whether every client ACKed within {@code timeout}. */
  boolean await(Duration timeout) throws InterruptedException {
    return acked.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  long publishedNanos() {
    return publishedNanos;
  }

  /** Nanoseconds from the publish to each client's ACK; only clients that ACKed. */
  long[] ackLatencies() {
    return Arrays.stream(ackedNanos).filter(t -> t >= 0).map(t -> t - publishedNanos).toArray();
  }

  /** Nanoseconds from the publish to the first endpoints response any client received. */
  long firstResponseLatency() {
    return firstReceivedNanos - publishedNanos;
  }

  int ackedClients() {
    return (int) Arrays.stream(ackedNanos).filter(t -> t >= 0).count();
  }

  int[] responseBytes() {
    return pick(bytes);
  }

  int[] responseResources() {
    return pick(resources);
  }

  int extraResponses() {
    return extraResponses.get();
  }

  private int[] pick(int[] values) {
    int[] picked = new int[ackedClients()];
    int next = 0;
    for (int i = 0; i < ackedNanos.length; i++) {
      if (ackedNanos[i] >= 0) {
        picked[next++] = values[i];
      }
    }
    return picked;
  }
}
