package io.attache.controlplane.xds;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.translate.Translator;
import io.attache.controlplane.translate.XdsResources;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns cluster states into xDS snapshots in the cache. {@link #publish} returns at once; states
 * that arrive within {@code quiet} of each other become one snapshot, yet none waits longer than
 * {@code maxDelay} after the first of a burst. One translation gives two snapshots: the full one
 * for proxyless gRPC groups, and one without API listeners (and their routes) for Envoy groups,
 * which refuse those over LDS ({@link NodeGroups}). Every group gets its kind's snapshot, including
 * groups that connect later ({@link #seed}). Never translates on the caller's thread.
 */
public final class SnapshotPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);

  private final SimpleCache<String> cache;
  private final Translator translator;
  private final ScheduledExecutorService executor;
  private final long quietNanos;
  private final long maxDelayNanos;
  private final LongSupplier nanoTime;

  private ClusterState pending;
  private long burstStartedAt;
  private ScheduledFuture<?> flush;
  private Snapshot current; // full: what proxyless gRPC clients get
  private Snapshot forEnvoy;
  private long published;

  public SnapshotPublisher(
      SimpleCache<String> cache,
      Translator translator,
      ScheduledExecutorService executor,
      Duration quiet,
      Duration maxDelay) {
    this(cache, translator, executor, quiet, maxDelay, System::nanoTime);
  }

  SnapshotPublisher(
      SimpleCache<String> cache,
      Translator translator,
      ScheduledExecutorService executor,
      Duration quiet,
      Duration maxDelay,
      LongSupplier nanoTime) {
    this.cache = cache;
    this.translator = translator;
    this.executor = executor;
    this.quietNanos = quiet.toNanos();
    this.maxDelayNanos = Math.max(quiet.toNanos(), maxDelay.toNanos());
    this.nanoTime = nanoTime;
  }

  /** Schedules {@code state} to become the snapshot of every node group. */
  public synchronized void publish(ClusterState state) {
    long now = nanoTime.getAsLong();
    if (pending == null) {
      burstStartedAt = now;
    }
    pending = state;
    if (flush != null) {
      flush.cancel(false);
    }
    long delay = Math.max(0, Math.min(quietNanos, burstStartedAt + maxDelayNanos - now));
    flush = executor.schedule(this::flush, delay, TimeUnit.NANOSECONDS);
  }

  private void flush() {
    ClusterState state;
    synchronized (this) {
      state = pending;
      pending = null;
    }
    if (state == null) {
      return;
    }
    try {
      XdsResources resources = translator.translate(state);
      XdsResources envoyResources = resources.withoutApiListeners();
      install(snapshot(resources), snapshot(envoyResources), resources, envoyResources);
    } catch (RuntimeException e) {
      log.error("translating the cluster state failed; clients keep the last snapshot", e);
    }
  }

  private synchronized void install(
      Snapshot full, Snapshot envoy, XdsResources resources, XdsResources envoyResources) {
    current = full;
    forEnvoy = envoy;
    published++;
    Set<String> groups = new HashSet<>(cache.groups());
    groups.add(NodeGroups.DEFAULT_GROUP);
    groups.add(NodeGroups.DEFAULT_PROXYLESS_GROUP);
    for (String group : groups) {
      cache.setSnapshot(group, snapshotFor(group));
    }
    log.info(
        "snapshot {}: {} clusters, {} listeners ({} for Envoy), {} secrets (cds={} eds={} lds={}"
            + " rds={} sds={}; Envoy lds={} rds={}) to {} groups",
        published,
        resources.clusters().size(),
        resources.listeners().size(),
        envoyResources.listeners().size(),
        resources.secrets().size(),
        resources.clustersVersion(),
        resources.loadAssignmentsVersion(),
        resources.listenersVersion(),
        resources.routesVersion(),
        resources.secretsVersion(),
        envoyResources.listenersVersion(),
        envoyResources.routesVersion(),
        groups.size());
  }

  private Snapshot snapshotFor(String group) {
    return NodeGroups.kindOf(group) == NodeGroups.ClientKind.PROXYLESS_GRPC ? current : forEnvoy;
  }

  /**
   * Gives {@code group} the current snapshot of its kind if it has none yet (a newly connected
   * fleet).
   */
  public synchronized void seed(String group) {
    if (current != null && cache.getSnapshot(group) == null) {
      cache.setSnapshot(group, snapshotFor(group));
    }
  }

  /**
   * The last full snapshot installed, if any (Envoy groups get it without API listeners): the
   * control plane is ready once there is one.
   */
  public synchronized Optional<Snapshot> current() {
    return Optional.ofNullable(current);
  }

  /** How many snapshots were installed so far. */
  public synchronized long published() {
    return published;
  }

  private static Snapshot snapshot(XdsResources resources) {
    return Snapshot.create(
        resources.clusters(),
        resources.clustersVersion(),
        resources.loadAssignments(),
        resources.loadAssignmentsVersion(),
        resources.listeners(),
        resources.listenersVersion(),
        resources.routes(),
        resources.routesVersion(),
        resources.secrets(),
        resources.secretsVersion());
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
