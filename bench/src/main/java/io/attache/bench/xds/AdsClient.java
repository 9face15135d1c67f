package io.attache.bench.xds;

import io.attache.controlplane.xds.XdsType;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One raw ADS stream behaving like a settled Envoy: subscribed to every cluster and to the
 * endpoints of a few, ACKing each response at once and keeping nothing of it but what the benchmark
 * measures (so 500 clients do not hold 500 copies of the cluster list). Subclasses speak
 * state-of-the-world or delta.
 */
abstract sealed class AdsClient implements AutoCloseable permits SotwClient, DeltaClient {
  static final String CDS = XdsType.CLUSTERS.typeUrl();
  static final String EDS = XdsType.ENDPOINTS.typeUrl();

  private final int index;
  private final CountDownLatch synced = new CountDownLatch(2);
  private final AtomicInteger clusterResponses = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean clustersSeen;
  private volatile boolean endpointsSeen;
  private volatile PushRound round;

  protected final Node node;
  protected final List<String> endpointNames;

  AdsClient(int index, Node node, List<String> endpointNames) {
    this.index = index;
    this.node = node;
    this.endpointNames = List.copyOf(endpointNames);
  }

  /** Opens the subscriptions: clusters (wildcard), then the endpoints of {@link #endpointNames}. */
  abstract void subscribe();

  /** Half-closes the stream, as a client shutting down does. */
  @Override
  public abstract void close();

  /** Counts down once the first clusters and endpoints responses are both ACKed. */
  CountDownLatch synced() {
    return synced;
  }

  /** The next endpoints response is the one {@code next} follows. */
  void arm(PushRound next) {
    round = next;
  }

  /** Clusters responses received so far, the initial one included. */
  int clusterResponses() {
    return clusterResponses.get();
  }

  Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  /**
   * Called on the stream's thread for each response, once it is ACKed: {@code receivedNanos} when
   * it arrived, {@code size} its serialized bytes, {@code resources} how many it carried.
   */
  protected final void answered(String typeUrl, long receivedNanos, int size, int resources) {
    long ackNanos = System.nanoTime();
    if (CDS.equals(typeUrl)) {
      clusterResponses.incrementAndGet();
      if (!clustersSeen) {
        clustersSeen = true;
        synced.countDown();
      }
    } else if (EDS.equals(typeUrl)) {
      if (!endpointsSeen) {
        endpointsSeen = true;
        synced.countDown();
        return;
      }
      PushRound current = round;
      if (current != null) {
        current.record(index, receivedNanos, ackNanos, size, resources);
      }
    }
  }

  protected final void failed(Throwable t) {
    failure.compareAndSet(null, t);
  }
}
