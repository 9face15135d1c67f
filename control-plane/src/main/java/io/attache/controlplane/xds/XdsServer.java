package io.attache.controlplane.xds;

import io.attache.controlplane.translate.Translator;
import io.attache.runtime.DaemonThreads;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.grpc.BindableService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * The xDS management server: java-control-plane's snapshot cache, keyed by {@link NodeGroups}, and
 * its aggregated discovery service (state-of-the-world and delta), fed by a {@link
 * SnapshotPublisher}.
 */
public final class XdsServer implements AutoCloseable {
  private final SnapshotPublisher publisher;
  private final V3DiscoveryServer discovery;

  public XdsServer(Duration quiet, Duration maxDelay) {
    NodeGroups groups = new NodeGroups();
    SimpleCache<String> cache = new SimpleCache<>(groups);
    this.publisher =
        new SnapshotPublisher(
            cache,
            new Translator(),
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("attache-xds-publish")),
            quiet,
            maxDelay);
    this.discovery = new V3DiscoveryServer(List.of(new GroupSeeding(groups, publisher)), cache);
  }

  public SnapshotPublisher publisher() {
    return publisher;
  }

  /** ADS: the one stream Envoy and grpc-xds use for LDS, RDS, CDS and EDS. */
  public BindableService aggregatedDiscoveryService() {
    return discovery.getAggregatedDiscoveryServiceImpl();
  }

  @Override
  public void close() {
    publisher.close();
  }
}
