package io.attache.bench.xds;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.xds.SnapshotPublisher;
import io.attache.controlplane.xds.XdsServer;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;

/**
 * Measures how fast one EndpointSlice change reaches a fleet: a real {@link XdsServer} hosted on
 * Netty on a free loopback port, the state published, {@link AdsFleet} connected and synced, then
 * the hot Service's endpoints changed and republished a few times (the first ones only warm up),
 * each time waiting for every client to ACK the new endpoints before the next.
 */
final class PushProbe {
  /** Lets the server finish the previous round's ACKs (and open new watches) before the next. */
  private static final Duration BETWEEN_ROUNDS = Duration.ofMillis(200);

  private final Duration quiet;
  private final Duration maxDelay;
  private final int channels;
  private final int sampleSize;
  private final int warmupChanges;
  private final int measuredChanges;
  private final Duration timeout;

  PushProbe(
      Duration quiet,
      Duration maxDelay,
      int channels,
      int sampleSize,
      int warmupChanges,
      int measuredChanges,
      Duration timeout) {
    if (measuredChanges < 1 || warmupChanges < 0) {
      throw new IllegalArgumentException("at least one measured change, no negative warm-ups");
    }
    this.quiet = quiet;
    this.maxDelay = maxDelay;
    this.channels = channels;
    this.sampleSize = sampleSize;
    this.warmupChanges = warmupChanges;
    this.measuredChanges = measuredChanges;
    this.timeout = timeout;
  }

  PushResult measure(ClusterState initial, XdsMode mode, int clients)
      throws IOException, InterruptedException {
    try (XdsServer xds = new XdsServer(quiet, maxDelay)) {
      Server server =
          NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .addService(xds.aggregatedDiscoveryService())
              .build()
              .start();
      try {
        SnapshotPublisher publisher = xds.publisher();
        publisher.publish(initial);
        awaitPublished(publisher, 0);
        long heapBefore = HeapProbe.settledUsedBytes();
        long connecting = System.nanoTime();
        try (AdsFleet fleet =
            new AdsFleet(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort()),
                mode,
                clients,
                channels,
                initial.services().size(),
                sampleSize)) {
          fleet.connect(timeout);
          double syncMillis = Stats.millis(System.nanoTime() - connecting);
          // The sync sent every client the whole cluster list: collect that garbage now rather
          // than in the middle of a measured change (and see what the streams hold on to).
          double fleetMiB = HeapProbe.mebibytes(HeapProbe.settledUsedBytes() - heapBefore);
          return changes(mode, clients, initial, publisher, fleet, syncMillis, fleetMiB);
        }
      } finally {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private PushResult changes(
      XdsMode mode,
      int clients,
      ClusterState initial,
      SnapshotPublisher publisher,
      AdsFleet fleet,
      double syncMillis,
      double fleetMiB)
      throws InterruptedException {
    int clusterResponsesAtSync = fleet.clusterResponses();
    List<PushRound> rounds = new ArrayList<>();
    List<Long> installed = new ArrayList<>();
    boolean allAcked = true;
    ClusterState state = initial;
    long cpuNanos = 0;
    for (int change = 1; change <= warmupChanges + measuredChanges; change++) {
      Thread.sleep(BETWEEN_ROUNDS.toMillis());
      long cpuStart = Machine.processCpuNanos();
      state = SyntheticCluster.withHotEndpointsChanged(state, change);
      long before = publisher.published();
      long start = System.nanoTime();
      PushRound round = fleet.arm(start);
      publisher.publish(state);
      long installedAt = awaitPublished(publisher, before);
      boolean acked = round.await(timeout);
      if (change > warmupChanges) {
        cpuNanos += Machine.processCpuNanos() - cpuStart;
        rounds.add(round);
        installed.add(installedAt - start);
        allAcked &= acked;
      } else if (!acked) {
        throw new IllegalStateException(
            "warm-up change %d: only %d of %d clients ACKed within %s%s"
                .formatted(change, round.ackedClients(), clients, timeout, fleet.failures()));
      }
    }
    // Give a stray clusters push the time to arrive before counting.
    Thread.sleep(BETWEEN_ROUNDS.toMillis());
    return summarize(
        mode,
        clients,
        syncMillis,
        fleetMiB,
        rounds,
        installed,
        allAcked,
        cpuNanos,
        fleet.clusterResponses() - clusterResponsesAtSync);
  }

  private PushResult summarize(
      XdsMode mode,
      int clients,
      double syncMillis,
      double fleetMiB,
      List<PushRound> rounds,
      List<Long> installed,
      boolean allAcked,
      long cpuNanos,
      int clusterResponses) {
    long[] latencies =
        rounds.stream().flatMapToLong(r -> LongStream.of(r.ackLatencies())).toArray();
    // A round some client never ACKed counts as the whole timeout (and allAcked says so).
    long[] totals =
        rounds.stream()
            .mapToLong(
                r ->
                    r.ackedClients() == clients
                        ? LongStream.of(r.ackLatencies()).max().orElseThrow()
                        : timeout.toNanos())
            .toArray();
    PushRound last = rounds.get(rounds.size() - 1);
    return new PushResult(
        mode.label(),
        clients,
        Math.min(channels, clients),
        syncMillis,
        fleetMiB,
        rounds.size(),
        allAcked,
        Stats.millis(Stats.median(installed.stream().mapToLong(Long::longValue).toArray())),
        Stats.millis(
            Stats.median(rounds.stream().mapToLong(PushRound::firstResponseLatency).toArray())),
        Stats.millis(Stats.percentile(latencies, 50)),
        Stats.millis(Stats.percentile(latencies, 99)),
        Stats.millis(Stats.percentile(latencies, 100)),
        Stats.millis(Stats.median(totals)),
        Stats.millis(Stats.percentile(totals, 100)),
        LongStream.of(totals).mapToObj(Stats::millis).toList(),
        Stats.millis(cpuNanos / rounds.size()),
        Stats.median(last.responseBytes()),
        Stats.median(last.responseResources()),
        clusterResponses,
        rounds.stream().mapToInt(PushRound::extraResponses).sum());
  }

  /** Waits until the publisher has installed more than {@code before} snapshots; returns when. */
  private long awaitPublished(SnapshotPublisher publisher, long before) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (publisher.published() <= before) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no snapshot installed within " + timeout);
      }
      // Half a millisecond of resolution, without spinning a core away from the server.
      LockSupport.parkNanos(500_000);
    }
    return System.nanoTime();
  }
}
