package io.attache.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.Endpoint;
import io.attache.controlplane.model.EndpointState;
import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServiceState;
import io.attache.controlplane.translate.Translator;
import io.attache.controlplane.translate.XdsResources;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SnapshotPublisherTest {
  private final SimpleCache<String> cache = new SimpleCache<>(new NodeGroups());
  private SnapshotPublisher publisher;

  private SnapshotPublisher publisher(Duration quiet, Duration maxDelay) {
    publisher =
        new SnapshotPublisher(
            cache, new Translator(), Executors.newSingleThreadScheduledExecutor(), quiet, maxDelay);
    return publisher;
  }

  private static ClusterState services(int count) {
    List<ServiceState> services =
        java.util.stream.IntStream.range(0, count)
            .mapToObj(
                i ->
                    new ServiceState(
                        "default",
                        "svc" + i,
                        List.of(new ServicePort("", 80, ServicePort.Protocol.TCP))))
            .toList();
    return new ClusterState(services, List.of());
  }

  private static ClusterState withEndpoint(ClusterState state, String address) {
    return state.withEndpoints(
        List.of(
            new EndpointState(
                "default",
                "svc0",
                List.of(new Endpoint(address, Map.of("", 8080), true, Optional.of("a"))))));
  }

  /** Asserts that every group has the versions and resources of {@code state} translated anew. */
  private void assertPublishedAsTranslatedInFull(ClusterState state) {
    XdsResources resources = new Translator().translate(state);
    assertPublished(NodeGroups.DEFAULT_PROXYLESS_GROUP, resources);
    assertPublished(NodeGroups.DEFAULT_GROUP, resources.withoutApiListeners());
  }

  private void assertPublished(String group, XdsResources expected) {
    Snapshot snapshot = cache.getSnapshot(group);
    assertThat(
            List.of(
                snapshot.clusters().version(),
                snapshot.endpoints().version(),
                snapshot.listeners().version(),
                snapshot.routes().version(),
                snapshot.secrets().version()))
        .as("versions in %s", group)
        .containsExactly(
            expected.clustersVersion(),
            expected.loadAssignmentsVersion(),
            expected.listenersVersion(),
            expected.routesVersion(),
            expected.secretsVersion());
    assertThat(
            List.of(
                List.copyOf(snapshot.clusters().resources().values()),
                List.copyOf(snapshot.endpoints().resources().values()),
                List.copyOf(snapshot.listeners().resources().values()),
                List.copyOf(snapshot.routes().resources().values()),
                List.copyOf(snapshot.secrets().resources().values())))
        .as("resources in %s", group)
        .containsExactly(
            expected.clusters(),
            expected.loadAssignments(),
            expected.listeners(),
            expected.routes(),
            expected.secrets());
  }

  @Test
  void anEndpointsOnlyChangeIsPublishedAsATranslationInFullWouldBe() {
    SnapshotPublisher publisher = publisher(Duration.ofMillis(10), Duration.ofMillis(100));
    publisher.publish(withEndpoint(services(3), "10.0.0.1"));
    await().until(() -> publisher.published() == 1);

    ClusterState changed = withEndpoint(services(3), "10.0.0.2");
    publisher.publish(changed);
    await().until(() -> publisher.published() == 2);

    assertPublishedAsTranslatedInFull(changed);
  }

  @Test
  void aServiceAddedAfterAnEndpointsOnlyChangeIsPublishedInFull() {
    SnapshotPublisher publisher = publisher(Duration.ofMillis(10), Duration.ofMillis(100));
    publisher.publish(withEndpoint(services(3), "10.0.0.1"));
    await().until(() -> publisher.published() == 1);
    publisher.publish(withEndpoint(services(3), "10.0.0.2"));
    await().until(() -> publisher.published() == 2);

    ClusterState grown = withEndpoint(services(4), "10.0.0.2");
    publisher.publish(grown);
    await().until(() -> publisher.published() == 3);

    assertPublishedAsTranslatedInFull(grown);
  }

  @AfterEach
  void close() {
    publisher.close();
  }

  @Test
  void aBurstOfStatesBecomesOneSnapshotOfTheLastState() {
    SnapshotPublisher publisher = publisher(Duration.ofMillis(100), Duration.ofSeconds(5));

    for (int i = 1; i <= 20; i++) {
      publisher.publish(services(i));
    }

    await().until(() -> publisher.published() == 1);
    Snapshot snapshot = cache.getSnapshot(NodeGroups.DEFAULT_GROUP);
    assertThat(snapshot.clusters().resources()).hasSize(20);
  }

  /**
   * Issue #22: a pod coming or going reaches clients without waiting out the debounce, while any
   * other change still waits for its burst to settle.
   */
  @Test
  void aLoneEndpointsOnlyChangeIsPublishedWithoutWaitingForTheQuietPeriod() {
    SnapshotPublisher publisher = publisher(Duration.ofSeconds(1), Duration.ofSeconds(5));
    ClusterState state = services(3);
    long start = System.nanoTime();
    publisher.publish(state);
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.published() == 1);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));

    publisher.publish(withEndpoint(state, "10.0.0.9"));

    await().atMost(Duration.ofMillis(500)).until(() -> publisher.published() == 2);
  }

  @Test
  void aSteadyStreamOfStatesIsStillPublishedWithinTheMaxDelay() {
    SnapshotPublisher publisher = publisher(Duration.ofMillis(100), Duration.ofMillis(300));
    ScheduledExecutorService changes = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger count = new AtomicInteger();
    try {
      changes.scheduleAtFixedRate(
          () -> publisher.publish(services(count.incrementAndGet())), 0, 20, TimeUnit.MILLISECONDS);

      await().atMost(Duration.ofSeconds(10)).until(() -> publisher.published() >= 2);
    } finally {
      changes.shutdownNow();
    }
  }

  @Test
  void aProxylessGroupThatConnectsLaterIsSeededWithTheFullSnapshot() {
    SnapshotPublisher publisher = publisher(Duration.ofMillis(10), Duration.ofMillis(100));
    publisher.publish(services(1));
    await().until(() -> publisher.current().isPresent());

    publisher.seed("mesh/proxyless");

    assertThat(cache.getSnapshot("mesh/proxyless")).isSameAs(publisher.current().orElseThrow());
  }

  @Test
  void anEnvoyGroupThatConnectsLaterIsSeededWithoutApiListeners() {
    SnapshotPublisher publisher = publisher(Duration.ofMillis(10), Duration.ofMillis(100));
    publisher.publish(services(1));
    await().until(() -> publisher.current().isPresent());

    publisher.seed("edge-fleet");

    assertThat(cache.getSnapshot("edge-fleet").listeners().resources()).isEmpty();
    assertThat(cache.getSnapshot("edge-fleet").clusters().resources()).hasSize(1);
  }

  @Test
  void theDefaultEnvoyGroupGetsNoApiListenersNorTheirRoutes() {
    SnapshotPublisher publisher = publisher(Duration.ofMillis(10), Duration.ofMillis(100));

    publisher.publish(services(2));

    await().until(() -> publisher.published() == 1);
    Snapshot envoy = cache.getSnapshot(NodeGroups.DEFAULT_GROUP);
    assertThat(envoy.listeners().resources()).isEmpty();
    assertThat(envoy.routes().resources()).isEmpty();
  }

  @Test
  void theDefaultProxylessGroupGetsTheApiListenersAndTheirRoutes() {
    SnapshotPublisher publisher = publisher(Duration.ofMillis(10), Duration.ofMillis(100));

    publisher.publish(services(2));

    await().until(() -> publisher.published() == 1);
    Snapshot proxyless = cache.getSnapshot(NodeGroups.DEFAULT_PROXYLESS_GROUP);
    assertThat(proxyless.listeners().resources())
        .containsOnlyKeys("svc0.default:80", "svc1.default:80");
    assertThat(proxyless.routes().resources())
        .containsOnlyKeys("svc0.default:80", "svc1.default:80");
  }

  @Test
  void nodesWithoutClusterShareTheDefaultGroup() {
    NodeGroups groups = new NodeGroups();
    publisher(Duration.ofMillis(10), Duration.ofMillis(100));

    assertThat(groups.hash(Node.getDefaultInstance())).isEqualTo(NodeGroups.DEFAULT_GROUP);
    assertThat(groups.hash(Node.newBuilder().setCluster("edge").build())).isEqualTo("edge");
  }

  @Test
  void aGrpcClientIsGroupedApartFromTheEnvoysOfItsCluster() {
    NodeGroups groups = new NodeGroups();
    publisher(Duration.ofMillis(10), Duration.ofMillis(100));

    assertThat(
            groups.hash(Node.newBuilder().setCluster("edge").setUserAgentName("gRPC Java").build()))
        .isEqualTo("edge/proxyless");
    assertThat(groups.hash(Node.newBuilder().setCluster("edge").setUserAgentName("envoy").build()))
        .isEqualTo("edge");
    assertThat(groups.hash(Node.newBuilder().setUserAgentName("gRPC Go").build()))
        .isEqualTo(NodeGroups.DEFAULT_PROXYLESS_GROUP);
  }
}
