package io.attache.controlplane.xds;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.translate.Translator;
import io.attache.controlplane.translate.XdsResources;
import io.attache.events.EventSink;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns cluster states into xDS snapshots in the cache. {@link #publish} returns at once; states
 * that arrive within {@code quiet} of each other become one snapshot, yet none waits longer than
 * {@code maxDelay} after the first of a burst; a lone endpoints-only change is published at once.
 * One translation gives two snapshots: the full one for proxyless gRPC groups, and one without API
 * listeners (and their routes) for Envoy groups, which refuse those over LDS ({@link NodeGroups}).
 * Every group gets its kind's snapshot, including groups that connect later ({@link #seed}). A
 * state that differs from the last one in endpoints only (an EndpointSlice change) reuses the last
 * translation but for the changed load assignments ({@link Translator#translate(ClusterState,
 * ClusterState, XdsResources)}), so that its cost does not grow with the number of routes. Never
 * translates on the caller's thread.
 */
public final class SnapshotPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);
  private static final Tracer NO_TRACING = OpenTelemetry.noop().getTracer("io.attache");
  private static final AttributeKey<Long> SNAPSHOT = AttributeKey.longKey("xds.snapshot");
  private static final AttributeKey<Long> CLUSTERS = AttributeKey.longKey("xds.clusters");
  private static final AttributeKey<Long> LISTENERS = AttributeKey.longKey("xds.listeners");
  private static final AttributeKey<String> VERSION = AttributeKey.stringKey("xds.cds_version");

  private final SimpleCache<String> cache;
  private final Translator translator;
  private final ScheduledExecutorService executor;
  private final long quietNanos;
  private final long maxDelayNanos;
  private final Tracer tracer;
  private final ResourceGate gate;

  private ClusterState pending;
  private long burstStartedAt;
  private ScheduledFuture<?> flush;
  private Snapshot current; // full: what proxyless gRPC clients get
  private Snapshot forEnvoy;
  private long published;
  private final Object translating = new Object();
  private Translation last; // guarded by translating

  /** A state and its translation, for proxyless gRPC clients (full) and for Envoy. */
  private record Translation(
      ClusterState state, VersionedResources full, VersionedResources envoy) {}

  public SnapshotPublisher(
      SimpleCache<String> cache,
      Translator translator,
      ScheduledExecutorService executor,
      Duration quiet,
      Duration maxDelay) {
    this(cache, translator, executor, quiet, maxDelay, NO_TRACING, EventSink.discarding());
  }

  /**
   * As above, each push an {@code xDS push} span on {@code tracer} (how long translating and
   * installing a snapshot took, with its number and sizes as attributes), and a resource that
   * breaks the Envoy API's rules held back ({@link ResourceGate}) with an {@code audit.config}
   * event on {@code events}.
   */
  public SnapshotPublisher(
      SimpleCache<String> cache,
      Translator translator,
      ScheduledExecutorService executor,
      Duration quiet,
      Duration maxDelay,
      Tracer tracer,
      EventSink events) {
    this.gate = new ResourceGate(events);
    this.tracer = tracer;
    this.cache = cache;
    this.translator = translator;
    this.executor = executor;
    this.quietNanos = quiet.toNanos();
    this.maxDelayNanos = Math.max(quiet.toNanos(), maxDelay.toNanos());
  }

  /**
   * Schedules {@code state} to become the snapshot of every node group. The first state of a burst
   * is looked at at once: if it differs from the last one in endpoints only (a pod came or went),
   * it is published at once, since such a change is cheap and every client wants it soon; any other
   * state waits for the burst to settle.
   */
  public synchronized void publish(ClusterState state) {
    long now = System.nanoTime();
    boolean first = pending == null;
    if (first) {
      burstStartedAt = now;
    }
    pending = state;
    if (flush != null) {
      flush.cancel(false);
    }
    flush =
        first
            ? executor.schedule(this::flushIfEndpointsOnly, 0, TimeUnit.NANOSECONDS)
            : executor.schedule(this::flush, settleDelay(now), TimeUnit.NANOSECONDS);
  }

  /** How long a burst that is still going may wait before it is published anyway. */
  private long settleDelay(long now) {
    return Math.max(0, Math.min(quietNanos, burstStartedAt + maxDelayNanos - now));
  }

  /** Publishes the pending state now if it changes endpoints only; else waits for the burst. */
  private void flushIfEndpointsOnly() {
    ClusterState state;
    synchronized (this) {
      state = pending;
    }
    if (state == null) {
      return;
    }
    boolean endpointsOnly;
    synchronized (translating) {
      endpointsOnly = last != null && state.equalsExceptEndpoints(last.state());
    }
    if (endpointsOnly) {
      flush();
      return;
    }
    synchronized (this) {
      if (pending == state) { // else a later publish() has scheduled the flush already
        flush =
            executor.schedule(this::flush, settleDelay(System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    }
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
    Span span = tracer.spanBuilder("xDS push").startSpan();
    synchronized (translating) {
      try {
        Translation next = translate(state, Optional.ofNullable(last));
        install(next, next.full().snapshot(), next.envoy().snapshot());
        last = next;
        span.setAttribute(SNAPSHOT, published());
        span.setAttribute(CLUSTERS, (long) next.full().resources().clusters().size());
        span.setAttribute(LISTENERS, (long) next.full().resources().listeners().size());
        span.setAttribute(VERSION, next.full().clusters().version());
      } catch (RuntimeException e) {
        span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
        log.error("translating the cluster state failed; clients keep the last snapshot", e);
      } finally {
        span.end();
      }
    }
  }

  /**
   * Translates {@code state}, building on the last translation: after an endpoints-only change only
   * the changed load assignments are built and hashed, and the other lists, with their versions and
   * the Envoy view of the listeners and routes, are the last ones.
   */
  private Translation translate(ClusterState state, Optional<Translation> last) {
    if (last.isEmpty()) {
      VersionedResources full =
          admitted(VersionedResources.of(translator.translate(state), List.of()), Optional.empty());
      return new Translation(
          state,
          full,
          VersionedResources.of(full.resources().withoutApiListeners(), List.of(full)));
    }
    Translation before = last.get();
    XdsResources lastResources = before.full().resources();
    VersionedResources full =
        admitted(
            VersionedResources.of(
                translator.translate(state, before.state(), lastResources), List.of(before.full())),
            Optional.of(before.full()));
    XdsResources resources = full.resources();
    XdsResources lastEnvoy = before.envoy().resources();
    XdsResources envoyResources =
        resources.listeners() == lastResources.listeners()
                && resources.routes() == lastResources.routes()
            ? new XdsResources(
                resources.clusters(),
                resources.loadAssignments(),
                lastEnvoy.listeners(),
                lastEnvoy.routes(),
                resources.secrets())
            : resources.withoutApiListeners();
    return new Translation(
        state, full, VersionedResources.of(envoyResources, List.of(full, before.envoy())));
  }

  /** {@code next} without what Envoy would refuse ({@link ResourceGate}). */
  private VersionedResources admitted(VersionedResources next, Optional<VersionedResources> last) {
    XdsResources admitted = gate.admit(next, last);
    if (admitted == next.resources()) {
      return next;
    }
    List<VersionedResources> known = new ArrayList<>(List.of(next));
    last.ifPresent(known::add);
    return VersionedResources.of(admitted, known);
  }

  private synchronized void install(
      Translation translation, Snapshot fullSnapshot, Snapshot envoySnapshot) {
    VersionedResources full = translation.full();
    VersionedResources envoy = translation.envoy();
    current = fullSnapshot;
    forEnvoy = envoySnapshot;
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
        full.resources().clusters().size(),
        full.resources().listeners().size(),
        envoy.resources().listeners().size(),
        full.resources().secrets().size(),
        full.clusters().version(),
        full.loadAssignments().version(),
        full.listeners().version(),
        full.routes().version(),
        full.secrets().version(),
        envoy.listeners().version(),
        envoy.routes().version(),
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

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
