package io.attache.controlplane.xds;

import io.attache.controlplane.translate.Translator;
import io.attache.controlplane.translate.TranslatorOptions;
import io.attache.events.EventSink;
import io.attache.runtime.AdminServer;
import io.attache.runtime.DaemonThreads;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.grpc.BindableService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * The xDS management server: java-control-plane's snapshot cache, keyed by {@link NodeGroups}, and
 * its aggregated discovery service (state-of-the-world and delta), fed by a {@link
 * SnapshotPublisher}, with the ACKs and NACKs of its clients counted, a NACKed version not sent
 * again ({@link NackAwareWatcher}), and the served configuration dumped on request.
 */
public final class XdsServer implements AutoCloseable {
  private final SnapshotPublisher publisher;
  private final V3DiscoveryServer discovery;
  private final ConfigDump configDump;
  private final RateLimitConfigDiscovery rateLimitConfigs;

  /** With its metrics kept in memory only, for callers that export none. */
  public XdsServer(Duration quiet, Duration maxDelay) {
    this(quiet, maxDelay, new SimpleMeterRegistry());
  }

  public XdsServer(Duration quiet, Duration maxDelay, MeterRegistry registry) {
    this(quiet, maxDelay, registry, TranslatorOptions.LOCAL);
  }

  /** Translating with {@code options} (where ext-authz and ratelimit-service are). */
  public XdsServer(
      Duration quiet, Duration maxDelay, MeterRegistry registry, TranslatorOptions options) {
    this(quiet, maxDelay, registry, options, OpenTelemetry.noop().getTracer("io.attache"));
  }

  /** As above, each snapshot push a span on {@code tracer}. */
  public XdsServer(
      Duration quiet,
      Duration maxDelay,
      MeterRegistry registry,
      TranslatorOptions options,
      Tracer tracer) {
    this(quiet, maxDelay, registry, options, tracer, EventSink.discarding());
  }

  /**
   * As above, a resource held back for breaking the Envoy API's rules audited on {@code events}.
   */
  public XdsServer(
      Duration quiet,
      Duration maxDelay,
      MeterRegistry registry,
      TranslatorOptions options,
      Tracer tracer,
      EventSink events) {
    NodeGroups groups = new NodeGroups();
    SimpleCache<String> cache = new ChangeAwareCache(groups);
    this.publisher =
        new SnapshotPublisher(
            cache,
            new Translator(options),
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("attache-xds-publish")),
            quiet,
            maxDelay,
            tracer,
            events);
    RejectedVersions rejections = new RejectedVersions();
    AckTracking acks = new AckTracking(groups, registry, Clock.systemUTC(), rejections);
    this.configDump = new ConfigDump(cache, acks);
    this.discovery =
        new V3DiscoveryServer(
            List.of(new GroupSeeding(groups, publisher), acks),
            new NackAwareWatcher(cache, rejections));
    this.rateLimitConfigs = new RateLimitConfigDiscovery(registry);
  }

  /** RateLimitPolicies served to rate-limit services ({@code CONFIG_TYPE=GRPC_XDS_SOTW}). */
  public RateLimitConfigDiscovery rateLimitConfigs() {
    return rateLimitConfigs;
  }

  public SnapshotPublisher publisher() {
    return publisher;
  }

  /** A new state: to Envoy and gRPC clients (debounced), and to rate-limit services. */
  public void publish(io.attache.controlplane.model.ClusterState state) {
    publisher.publish(state);
    rateLimitConfigs.update(state);
  }

  /**
   * ADS: the one stream Envoy and grpc-xds use for LDS, RDS, CDS and EDS, and rate-limit services
   * for their RateLimitConfig.
   */
  public BindableService aggregatedDiscoveryService() {
    return new AdsRouter(discovery.getAggregatedDiscoveryServiceImpl(), rateLimitConfigs);
  }

  /**
   * {@code /config_dump}: every node group's versions, resource names and last NACK per type as
   * JSON; {@code ?group=NAME} for one group (404 when it has no snapshot), {@code resources=true}
   * for the resources too.
   */
  public AdminServer.Handler configDump() {
    return AdminServer.Handler.ofQuery(configDump::answer);
  }

  @Override
  public void close() {
    publisher.close();
  }
}
