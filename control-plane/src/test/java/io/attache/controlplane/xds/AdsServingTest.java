package io.attache.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.attache.controlplane.e2e.ControlPlanes;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.ServiceProbe;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real control plane, serving a directory of YAML, against hand-driven ADS streams: what is
 * pushed on a change (state-of-the-world and delta), how ACKs and NACKs show in {@code /metrics},
 * and what {@code /config_dump} tells per node group.
 */
class AdsServingTest {
  private static final String CDS = XdsType.CLUSTERS.typeUrl();
  private static final String EDS = XdsType.ENDPOINTS.typeUrl();
  private static final String LDS = XdsType.LISTENERS.typeUrl();
  private static final String RDS = XdsType.ROUTES.typeUrl();
  private static final String ECHO = "default/echo:grpc";
  private static final String OTHER = "default/other:http";
  private static final String ECHO_LISTENER = "echo.default:8080";
  private static final String OTHER_LISTENER = "other.default:80";

  private static final String ECHO_SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: echo, namespace: default}
      spec:
        ports: [{name: grpc, port: 8080}]
      """;
  private static final String OTHER_SERVICE_AND_SLICE =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: other, namespace: default}
      spec:
        ports: [{name: http, port: 80}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: other-a
        namespace: default
        labels: {kubernetes.io/service-name: other}
      addressType: IPv4
      ports: [{name: http, port: 9080}]
      endpoints:
        - addresses: ["127.0.0.2"]
          conditions: {ready: true}
      """;

  @TempDir Path resources;
  private ServiceHost controlPlane;
  private ManagedChannel channel;
  private final List<AutoCloseable> streams = new ArrayList<>();

  private static String echoSlice(int port) {
    return """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: echo-a
          namespace: default
          labels: {kubernetes.io/service-name: echo}
        addressType: IPv4
        ports: [{name: grpc, port: %d}]
        endpoints:
          - addresses: ["127.0.0.1"]
            conditions: {ready: true}
        """
        .formatted(port);
  }

  @BeforeEach
  void start() throws Exception {
    Files.writeString(resources.resolve("echo.yaml"), ECHO_SERVICE);
    Files.writeString(resources.resolve("echo-slice.yaml"), echoSlice(9000));
    Files.writeString(resources.resolve("other.yaml"), OTHER_SERVICE_AND_SLICE);
    controlPlane = ControlPlanes.fromDirectory(resources);
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/readyz").statusCode() == 200);
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", controlPlane.grpcPort())
            .usePlaintext()
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable stream : streams) {
      stream.close();
    }
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  private HttpResponse<String> get(String path) {
    return ServiceProbe.get("127.0.0.1", controlPlane.adminPort(), path);
  }

  private static Node node(String id, String group) {
    return Node.newBuilder().setId(id).setCluster(group).build();
  }

  /** A proxyless gRPC client, as grpc-java names itself. */
  private static Node grpcNode(String id, String group) {
    return Node.newBuilder().setId(id).setCluster(group).setUserAgentName("gRPC Java").build();
  }

  private static Node envoyNode(String id, String group) {
    return Node.newBuilder().setId(id).setCluster(group).setUserAgentName("envoy").build();
  }

  private SotwStream sotw(Node node) {
    SotwStream stream = new SotwStream(channel, node);
    streams.add(stream);
    return stream;
  }

  private DeltaStream delta(Node node) {
    DeltaStream stream = new DeltaStream(channel, node);
    streams.add(stream);
    return stream;
  }

  /** Subscribes to one type, takes the answer and ACKs it, as a client settling in does. */
  private static DiscoveryResponse settle(SotwStream stream, String typeUrl, String... names)
      throws InterruptedException {
    stream.subscribe(typeUrl, names);
    DiscoveryResponse response = stream.next(typeUrl);
    stream.ack(response, names);
    return response;
  }

  private JsonObject configDump(String query) {
    HttpResponse<String> response = get("/config_dump" + query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private static List<String> names(DeltaDiscoveryResponse response) {
    return response.getResourcesList().stream().map(Resource::getName).toList();
  }

  @Test
  void anEndpointSliceChangePushesEndpointsAndNothingElse() throws Exception {
    SotwStream stream = sotw(grpcNode("grpc-1", "mesh"));
    settle(stream, CDS);
    settle(stream, EDS, ECHO, OTHER);
    settle(stream, LDS);
    settle(stream, RDS, ECHO_LISTENER, OTHER_LISTENER);

    Files.writeString(resources.resolve("echo-slice.yaml"), echoSlice(9001));

    DiscoveryResponse endpoints = stream.next(EDS);
    stream.ack(endpoints, ECHO, OTHER);
    ClusterLoadAssignment echo =
        endpoints.getResourcesList().stream()
            .map(any -> unpack(any, ClusterLoadAssignment.class))
            .filter(assignment -> assignment.getClusterName().equals(ECHO))
            .findFirst()
            .orElseThrow();
    assertThat(
            echo.getEndpoints(0)
                .getLbEndpoints(0)
                .getEndpoint()
                .getAddress()
                .getSocketAddress()
                .getPortValue())
        .isEqualTo(9001);
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> stream.responses().isEmpty());
  }

  @Test
  void anAckIsCountedPerTypeAndGroup() throws Exception {
    SotwStream stream = sotw(node("envoy-1", "ack-fleet"));

    settle(stream, CDS);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(get("/metrics").body())
                    .contains("attache_xds_acks_total{group=\"ack-fleet\",type=\"clusters\"} 1.0"));
  }

  @Test
  void aNackIsCountedPerTypeAndGroup() throws Exception {
    SotwStream stream = sotw(node("envoy-1", "nack-fleet"));
    stream.subscribe(CDS);

    stream.nack(stream.next(CDS), "", "cluster default/echo:grpc: unsupported lb_policy");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(get("/metrics").body())
                    .contains(
                        "attache_xds_nacks_total{group=\"nack-fleet\",type=\"clusters\"} 1.0"));
  }

  @Test
  void theConfigDumpShowsTheLastNackOfAGroupAndType() throws Exception {
    SotwStream stream = sotw(node("envoy-7", "nack-fleet"));
    stream.subscribe(CDS);
    DiscoveryResponse clusters = stream.next(CDS);

    stream.nack(clusters, "", "cluster default/echo:grpc: unsupported lb_policy");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonObject nack =
                  configDump("?group=nack-fleet")
                      .getAsJsonObject("groups")
                      .getAsJsonObject("nack-fleet")
                      .getAsJsonObject("clusters")
                      .getAsJsonObject("lastNack");
              assertThat(nack).as("lastNack").isNotNull();
              assertThat(nack.get("message").getAsString())
                  .isEqualTo("cluster default/echo:grpc: unsupported lb_policy");
              assertThat(nack.get("node").getAsString()).isEqualTo("envoy-7");
              assertThat(nack.get("version").getAsString()).isEqualTo(clusters.getVersionInfo());
            });
  }

  @Test
  void aNackedVersionIsNotSentAgain() throws Exception {
    SotwStream stream = sotw(node("envoy-1", "edge"));
    stream.subscribe(CDS);

    stream.nack(stream.next(CDS), "", "rejected for the test");

    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> stream.responses().isEmpty());
  }

  @Test
  void aNackedFirstAssignmentOfNamedClustersIsNotSentAgain() throws Exception {
    SotwStream stream = sotw(node("envoy-1", "edge"));
    settle(stream, CDS);
    stream.subscribe(EDS, ECHO, OTHER);

    stream.nack(stream.next(EDS), "", "rejected for the test", ECHO, OTHER);

    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> stream.responses().isEmpty());
  }

  @Test
  void theVersionAfterANackedOneIsSent() throws Exception {
    SotwStream stream = sotw(node("envoy-1", "edge"));
    stream.subscribe(CDS);
    DiscoveryResponse rejected = stream.next(CDS);
    stream.nack(rejected, "", "rejected for the test");

    Files.writeString(
        resources.resolve("echo.yaml"),
        ECHO_SERVICE.replace("}]", "}, {name: admin, port: 8081}]"));

    DiscoveryResponse next = stream.next(CDS);
    assertThat(next.getVersionInfo()).isNotEqualTo(rejected.getVersionInfo());
    assertThat(next.getResourcesCount()).isEqualTo(3);
  }

  @Test
  void aNackOfAVersionAlreadyReplacedGetsTheCurrentOneAtOnce() throws Exception {
    SotwStream stream = sotw(node("envoy-1", "edge"));
    stream.subscribe(CDS);
    DiscoveryResponse rejected = stream.next(CDS);
    Files.writeString(
        resources.resolve("echo.yaml"),
        ECHO_SERVICE.replace("}]", "}, {name: admin, port: 8081}]"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                !configDump("?group=edge")
                    .getAsJsonObject("groups")
                    .getAsJsonObject("edge")
                    .getAsJsonObject("clusters")
                    .get("version")
                    .getAsString()
                    .equals(rejected.getVersionInfo()));

    stream.nack(rejected, "", "rejected for the test");

    assertThat(stream.next(CDS).getResourcesCount()).isEqualTo(3);
  }

  @Test
  void aDeltaStreamReceivesOnlyTheAssignmentThatChanged() throws Exception {
    DeltaStream stream = delta(node("envoy-d", "delta-fleet"));
    stream.subscribe(EDS, ECHO, OTHER);
    DeltaDiscoveryResponse initial = stream.next(EDS);
    assertThat(names(initial)).containsExactlyInAnyOrder(ECHO, OTHER);
    stream.ack(initial);

    Files.writeString(resources.resolve("echo-slice.yaml"), echoSlice(9001));

    DeltaDiscoveryResponse change = stream.next(EDS);
    assertThat(names(change)).containsExactly(ECHO);
    assertThat(change.getRemovedResourcesList()).isEmpty();
  }

  @Test
  void deletingAServiceRemovesItsClusterOnADeltaStream() throws Exception {
    DeltaStream stream = delta(node("envoy-d", "delta-fleet"));
    stream.subscribe(CDS);
    DeltaDiscoveryResponse initial = stream.next(CDS);
    assertThat(names(initial)).containsExactlyInAnyOrder(ECHO, OTHER);
    stream.ack(initial);

    Files.delete(resources.resolve("other.yaml"));

    DeltaDiscoveryResponse removal = stream.next(CDS);
    assertThat(removal.getRemovedResourcesList()).containsExactly(OTHER);
    assertThat(removal.getResourcesList()).isEmpty();
  }

  @Test
  void theConfigDumpListsEveryGroupWithItsVersionsAndNames() throws Exception {
    DiscoveryResponse edge = settle(sotw(node("envoy-1", "edge")), CDS);
    settle(sotw(grpcNode("grpc-1", "mesh")), CDS);

    JsonObject groups = configDump("").getAsJsonObject("groups");

    assertThat(groups.keySet())
        .contains(
            "edge", "mesh/proxyless", NodeGroups.DEFAULT_GROUP, NodeGroups.DEFAULT_PROXYLESS_GROUP);
    JsonObject clusters = groups.getAsJsonObject("edge").getAsJsonObject("clusters");
    assertThat(clusters.get("version").getAsString()).isEqualTo(edge.getVersionInfo());
    assertThat(clusters.getAsJsonArray("names").asList())
        .map(name -> name.getAsString())
        .containsExactly(ECHO, OTHER);
    assertThat(
            groups
                .getAsJsonObject("mesh/proxyless")
                .getAsJsonObject("listeners")
                .getAsJsonArray("names")
                .asList())
        .map(name -> name.getAsString())
        .containsExactly(ECHO_LISTENER, OTHER_LISTENER);
  }

  @Test
  void theConfigDumpOfOneGroupHoldsItsResourcesAsJson() throws Exception {
    settle(sotw(node("envoy-1", "edge")), CDS);
    settle(sotw(grpcNode("grpc-1", "mesh")), CDS);

    JsonObject groups =
        configDump("?group=mesh/proxyless&resources=true").getAsJsonObject("groups");

    assertThat(groups.keySet()).containsExactly("mesh/proxyless");
    JsonObject listener =
        groups
            .getAsJsonObject("mesh/proxyless")
            .getAsJsonObject("listeners")
            .getAsJsonArray("resources")
            .get(0)
            .getAsJsonObject();
    assertThat(listener.get("name").getAsString()).isEqualTo(ECHO_LISTENER);
    assertThat(
            listener
                .getAsJsonObject("apiListener")
                .getAsJsonObject("apiListener")
                .get("@type")
                .getAsString())
        .endsWith("HttpConnectionManager");
  }

  private static final String GATEWAY =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: default}
      spec:
        gatewayClassName: attache
        listeners: [{name: web, port: 8000, protocol: HTTP}]
      """;
  private static final String GATEWAY_LISTENER = "default/edge:8000";

  /** Adds a Gateway and waits until it is served, so a first response already holds it. */
  private void addGateway() throws Exception {
    Files.writeString(resources.resolve("gateway.yaml"), GATEWAY);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                configDump("?group=default")
                    .getAsJsonObject("groups")
                    .getAsJsonObject("default")
                    .getAsJsonObject("listeners")
                    .getAsJsonArray("names")
                    .toString()
                    .contains(GATEWAY_LISTENER));
  }

  private static List<String> listenerNames(DiscoveryResponse response) {
    return response.getResourcesList().stream()
        .map(any -> unpack(any, Listener.class).getName())
        .toList();
  }

  @Test
  void anEnvoyAskingForEveryListenerGetsOnlyGatewayListeners() throws Exception {
    addGateway();

    DiscoveryResponse listeners = settle(sotw(envoyNode("envoy-1", "edge")), LDS);

    assertThat(listenerNames(listeners)).containsExactly(GATEWAY_LISTENER);
  }

  @Test
  void anEnvoyAskingForEveryRouteConfigurationGetsOnlyTheGateways() throws Exception {
    addGateway();

    DiscoveryResponse routes = settle(sotw(envoyNode("envoy-1", "edge")), RDS);

    assertThat(routes.getResourcesList())
        .extracting(any -> unpack(any, RouteConfiguration.class).getName())
        .containsExactly(GATEWAY_LISTENER);
  }

  @Test
  void aProxylessGrpcClientAskingForEveryListenerGetsTheApiListenersToo() throws Exception {
    addGateway();

    DiscoveryResponse listeners = settle(sotw(grpcNode("grpc-1", "mesh")), LDS);

    assertThat(listenerNames(listeners))
        .containsExactlyInAnyOrder(GATEWAY_LISTENER, ECHO_LISTENER, OTHER_LISTENER);
  }

  @Test
  void anEnvoyOnADeltaStreamGetsOnlyGatewayListeners() throws Exception {
    addGateway();
    DeltaStream stream = delta(envoyNode("envoy-d", "edge"));

    stream.subscribe(LDS);

    assertThat(names(stream.next(LDS))).containsExactly(GATEWAY_LISTENER);
  }

  @Test
  void theConfigDumpOfAnUnknownGroupIsNotFound() {
    HttpResponse<String> response = get("/config_dump?group=nobody");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("no node group nobody\n");
  }

  private static <T extends com.google.protobuf.Message> T unpack(
      com.google.protobuf.Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
