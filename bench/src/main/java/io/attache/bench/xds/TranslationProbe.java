package io.attache.bench.xds;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.translate.Translator;
import io.attache.controlplane.translate.XdsResources;
import io.attache.controlplane.xds.SnapshotPublisher;
import io.attache.controlplane.xds.XdsServer;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

/**
 * Times {@link Translator#translate} and the snapshot build on one state in this JVM (warm-up runs
 * first, so the JIT has compiled the translator), then approximates the heap their results retain.
 * The snapshot build is timed on its own and, separately, its first part (the four content
 * versions), since both grow with the whole state whatever changed. Translation's CPU time is
 * reported too: on a machine shared with other work it moves far less than the wall time. Last, one
 * HTTPRoute change and one Service change are published and timed until installed (the publisher
 * translates them from the translation before and versions what changed), and the whole state is
 * published to fresh publishers: translation, versions and install, what a control plane does at
 * start-up or after a change it cannot translate in part.
 */
final class TranslationProbe {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Translator translator = new Translator();
  private final int warmups;
  private final int runs;

  TranslationProbe(int warmups, int runs) {
    if (runs < 1 || warmups < 0) {
      throw new IllegalArgumentException("runs must be at least 1, warm-ups at least 0");
    }
    this.warmups = warmups;
    this.runs = runs;
  }

  TranslationResult measure(ClusterState state) {
    for (int i = 0; i < warmups; i++) {
      Snapshots.of(translator.translate(state));
    }
    long[] translateNanos = new long[runs];
    long[] translateCpuNanos = new long[runs];
    long[] versionsNanos = new long[runs];
    long[] snapshotNanos = new long[runs];
    for (int i = 0; i < runs; i++) {
      long cpuStart = THREADS.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      XdsResources resources = translator.translate(state);
      long translated = System.nanoTime();
      translateCpuNanos[i] = THREADS.getCurrentThreadCpuTime() - cpuStart;
      Snapshots.versions(resources);
      long versioned = System.nanoTime();
      Snapshots.of(resources);
      snapshotNanos[i] = System.nanoTime() - versioned;
      versionsNanos[i] = versioned - translated;
      translateNanos[i] = translated - start;
    }

    long[] publishNanos = new long[runs];
    for (int i = -Math.min(warmups, 2); i < runs; i++) {
      long nanos = coldPublish(state);
      if (i >= 0) {
        publishNanos[i] = nanos;
      }
    }
    long[] routeChangeNanos = changes(state, SyntheticCluster::withFirstRouteChanged);
    long[] serviceChangeNanos = changes(state, SyntheticCluster::withFirstServiceChanged);
    long[] gatewayChangeNanos = changes(state, SyntheticCluster::withGatewayChanged);

    long before = HeapProbe.settledUsedBytes();
    XdsResources resources = translator.translate(state);
    long withResources = HeapProbe.settledUsedBytes();
    Snapshot snapshot = Snapshots.of(resources);
    long withSnapshot = HeapProbe.settledUsedBytes();
    Reference.reachabilityFence(resources);
    Reference.reachabilityFence(snapshot);

    return new TranslationResult(
        resources.clusters().size(),
        resources.listeners().size(),
        resources.routes().stream().mapToInt(RouteConfiguration::getVirtualHostsCount).sum(),
        resources.routes().stream()
            .flatMap(r -> r.getVirtualHostsList().stream())
            .mapToInt(VirtualHost::getRoutesCount)
            .sum(),
        Stats.millis(Stats.median(translateNanos)),
        Stats.millis(Arrays.stream(translateNanos).min().orElseThrow()),
        Stats.millis(Stats.median(translateCpuNanos)),
        Stats.millis(Stats.median(versionsNanos)),
        Stats.millis(Stats.median(snapshotNanos)),
        HeapProbe.mebibytes(withResources - before),
        HeapProbe.mebibytes(withSnapshot - withResources),
        Stats.millis(Stats.median(publishNanos)),
        Stats.millis(Stats.median(routeChangeNanos)),
        Stats.millis(Stats.median(serviceChangeNanos)),
        Stats.millis(Stats.median(gatewayChangeNanos)),
        warmups,
        runs);
  }

  /**
   * One object changed by {@code change} (its argument a generation) and published, as many times
   * as the full translation was timed after as many warm-ups: from {@code publish()} until the
   * publisher installed the snapshot, which it translates from the translation before it and
   * versions (a changed resource is encoded and hashed again).
   */
  private long[] changes(
      ClusterState state, BiFunction<ClusterState, Integer, ClusterState> change) {
    try (XdsServer server = new XdsServer(Duration.ZERO, Duration.ZERO)) {
      SnapshotPublisher publisher = server.publisher();
      ClusterState current = state;
      installed(publisher, current);
      long[] nanos = new long[runs];
      for (int i = -warmups; i < runs; i++) {
        current = change.apply(current, i + warmups + 2);
        long took = installed(publisher, current);
        if (i >= 0) {
          nanos[i] = took;
        }
      }
      return nanos;
    }
  }

  /** From {@code publish()} on a publisher that has published nothing to the snapshot installed. */
  private static long coldPublish(ClusterState state) {
    try (XdsServer server = new XdsServer(Duration.ZERO, Duration.ZERO)) {
      return installed(server.publisher(), state);
    }
  }

  /** Publishes {@code state}; returns the time until the publisher had installed its snapshot. */
  private static long installed(SnapshotPublisher publisher, ClusterState state) {
    long before = publisher.published();
    long start = System.nanoTime();
    publisher.publish(state);
    long deadline = start + Duration.ofMinutes(5).toNanos();
    while (publisher.published() == before) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no snapshot installed within 5 minutes");
      }
      LockSupport.parkNanos(200_000);
    }
    return System.nanoTime() - start;
  }
}
