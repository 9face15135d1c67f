package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.EndpointState;
import io.attache.controlplane.model.ServiceKey;
import io.attache.controlplane.xds.XdsServer;
import io.attache.events.ConfigChange;
import io.attache.events.InMemoryEventSink;
import io.attache.testsupport.kubernetes.MockApiServer;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Services and EndpointSlices from the Kubernetes API become xDS snapshots, against fabric8's mock
 * API server in CRUD mode (no kube-apiserver can run here).
 */
class KubernetesResourcesTest {
  private final MockApiServer api = MockApiServer.start(); // not @EnableKubernetesMockClient
  private final KubernetesClient client = api.newClient();

  private final InMemoryEventSink events = new InMemoryEventSink();
  private XdsServer xds;
  private KubernetesResources resources;

  static Service service(String namespace, String name, int port) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewPort()
        .withName("grpc")
        .withPort(port)
        .endPort()
        .endSpec()
        .build();
  }

  static EndpointSlice slice(String namespace, String service, String name, String... addresses) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .addToLabels("kubernetes.io/service-name", service)
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName("grpc")
        .withPort(9090)
        .endPort()
        .addNewEndpoint()
        .withAddresses(addresses)
        .withZone("zone-a")
        .endEndpoint()
        .build();
  }

  private void start() {
    xds = new XdsServer(Duration.ofMillis(10), Duration.ofMillis(50));
    resources =
        new KubernetesResources(
            client, Optional.empty(), Duration.ofMillis(10), xds.publisher()::publish, events);
  }

  @AfterEach
  void stop() {
    if (resources != null) {
      resources.close();
    }
    if (xds != null) {
      xds.close();
    }
    client.close(); // before the mock server's shutdown, which waits for open connections
    api.stop();
  }

  private Snapshot snapshotWith(String cluster) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> xds.publisher().current().orElse(null),
            s -> s != null && s.clusters().resources().containsKey(cluster));
  }

  private static String addresses(ClusterLoadAssignment assignment) {
    StringBuilder out = new StringBuilder();
    assignment
        .getEndpointsList()
        .forEach(
            locality ->
                locality
                    .getLbEndpointsList()
                    .forEach(
                        e ->
                            out.append(e.getEndpoint().getAddress().getSocketAddress().getAddress())
                                .append(':')
                                .append(
                                    e.getEndpoint().getAddress().getSocketAddress().getPortValue())
                                .append(' ')));
    return out.toString().strip();
  }

  @Test
  void aServiceWithAnEndpointSliceBecomesAClusterAndItsLoadAssignment() {
    client.resource(service("shop", "cart", 8080)).create();
    client.resource(slice("shop", "cart", "cart-a", "10.0.0.1")).create();
    start();

    Snapshot snapshot = snapshotWith("shop/cart:grpc");

    assertThat(snapshot.clusters().resources()).containsOnlyKeys("shop/cart:grpc");
    assertThat(snapshot.listeners().resources()).containsOnlyKeys("cart.shop:8080");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        addresses(
                            xds.publisher()
                                .current()
                                .orElseThrow()
                                .endpoints()
                                .resources()
                                .get("shop/cart:grpc")))
                    .isEqualTo("10.0.0.1:9090"));
  }

  @Test
  void anEndpointSliceUpdateChangesOnlyTheLoadAssignments() {
    client.resource(service("shop", "cart", 8080)).create();
    client.resource(slice("shop", "cart", "cart-a", "10.0.0.1")).create();
    start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                xds.publisher()
                    .current()
                    .map(s -> s.endpoints().resources().get("shop/cart:grpc"))
                    .map(KubernetesResourcesTest::addresses)
                    .orElse(""),
            "10.0.0.1:9090"::equals);
    Snapshot before = xds.publisher().current().orElseThrow();

    client.resource(slice("shop", "cart", "cart-a", "10.0.0.1", "10.0.0.2")).update();

    Snapshot after =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> xds.publisher().current().orElseThrow(),
                s ->
                    addresses(s.endpoints().resources().get("shop/cart:grpc"))
                        .equals("10.0.0.1:9090 10.0.0.2:9090"));
    assertThat(after.endpoints().version()).isNotEqualTo(before.endpoints().version());
    assertThat(after.clusters().version()).isEqualTo(before.clusters().version());
    assertThat(after.listeners().version()).isEqualTo(before.listeners().version());
    assertThat(after.routes().version()).isEqualTo(before.routes().version());
  }

  @Test
  void anInvalidServiceIsLeftOutAndTheRestApplies() {
    client.resource(service("shop", "cart", 8080)).create();
    Service bad = service("shop", "broken", 8080);
    bad.getSpec().getPorts().get(0).setProtocol("QUIC");
    client.resource(bad).create();
    start();

    snapshotWith("shop/cart:grpc");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(resources.lastErrors())
                    .extracting(ResourceError::toString)
                    .containsExactly(
                        "Service shop/broken spec.ports[0].protocol: must be TCP, UDP or SCTP,"
                            + " was 'QUIC'"));
    assertThat(xds.publisher().current().orElseThrow().clusters().resources())
        .doesNotContainKey("shop/broken:grpc");
  }

  /**
   * Issue #22: every kind keeps its own last good version, from the API as from files: a Service
   * edited into an invalid state keeps its cluster served, and the audit says so.
   */
  @Test
  void aServiceEditedIntoAnInvalidStateKeepsItsLastGoodVersion() {
    client.resource(service("shop", "cart", 8080)).create();
    start();
    snapshotWith("shop/cart:grpc");

    Service bad = service("shop", "cart", 8080);
    bad.getSpec().getPorts().get(0).setProtocol("QUIC");
    client.resource(bad).update();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(resources.lastErrors())
                    .extracting(ResourceError::toString)
                    .containsExactly(
                        "Service shop/cart spec.ports[0].protocol: must be TCP, UDP or SCTP,"
                            + " was 'QUIC'",
                        "Service shop/cart: the last valid version is still served"));
    assertThat(xds.publisher().current().orElseThrow().clusters().resources())
        .containsKey("shop/cart:grpc");
    assertThat(audit())
        .last()
        .isEqualTo(
            "REJECTED Service/shop/cart rejected, the last valid version is still served:"
                + " spec.ports[0].protocol: must be TCP, UDP or SCTP, was 'QUIC'");
  }

  /**
   * Issue #22: a read after one change converts that object alone; every other object's state is
   * the very instance of the last read, so the translator finds what changed by reference.
   */
  @Test
  void aReadConvertsOnlyTheObjectsThatChanged() {
    client.resource(service("shop", "cart", 8080)).create();
    client.resource(service("shop", "web", 8080)).create();
    client.resource(slice("shop", "cart", "cart-a", "10.0.0.1")).create();
    client.resource(slice("shop", "web", "web-a", "10.0.0.2")).create();
    List<ClusterState> states = new CopyOnWriteArrayList<>();
    resources =
        new KubernetesResources(
            client, Optional.empty(), Duration.ofMillis(10), states::add, events);
    ClusterState before =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> last(states), s -> s != null && s.endpoints().size() == 2);

    client.resource(slice("shop", "cart", "cart-a", "10.0.0.1", "10.0.0.3")).update();

    ClusterState after =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> last(states), s -> s.endpointsOf(new ServiceKey("shop", "cart")).size() == 2);
    assertThat(after.endpoints()).hasSize(2);
    for (int i = 0; i < 2; i++) {
      EndpointState slice = after.endpoints().get(i);
      if (slice.serviceName().equals("web")) {
        assertThat(slice).isSameAs(before.endpoints().get(i));
      } else {
        assertThat(slice).isNotSameAs(before.endpoints().get(i));
      }
      assertThat(after.services().get(i)).isSameAs(before.services().get(i));
    }
  }

  private static ClusterState last(List<ClusterState> states) {
    return states.isEmpty() ? null : states.get(states.size() - 1);
  }

  private List<String> audit() {
    return events.events().stream()
        .filter(ConfigChange.class::isInstance)
        .map(ConfigChange.class::cast)
        .map(c -> c.outcome() + " " + c.subject() + " " + c.message())
        .toList();
  }

  @Test
  void everyAppliedRejectedOrDeletedObjectIsAuditedOnce() {
    client.resource(service("shop", "cart", 8080)).create();
    Service bad = service("shop", "broken", 0);
    client.resource(bad).create();
    client.resource(slice("shop", "cart", "cart-a", "10.0.0.1")).create();
    start();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(audit())
                    .containsExactlyInAnyOrder(
                        "REJECTED Service/shop/broken rejected, left out: spec.ports[0].port:"
                            + " must be between 1 and 65535, was 0",
                        "APPLIED Service/shop/cart applied: ports [grpc=8080]",
                        "APPLIED EndpointSlice/shop/cart-a applied: 1 of 1 endpoints ready for"
                            + " Service shop/cart"));

    client.resource(service("shop", "broken", 8080)).delete();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(audit())
                    .hasSize(4)
                    .last()
                    .isEqualTo("APPLIED Service/shop/broken deleted: no longer served"));
    assertThat(events.events())
        .allSatisfy(e -> assertThat(((ConfigChange) e).component()).isEqualTo("control-plane"));
  }
}
