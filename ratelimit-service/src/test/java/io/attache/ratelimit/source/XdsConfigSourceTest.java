package io.attache.ratelimit.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.DynamicMessage;
import io.attache.ratelimit.app.RateLimitApp;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.runtime.xds.RateLimitConfigSchema;
import io.attache.testsupport.FreePorts;
import io.attache.testsupport.ServiceProbe;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code CONFIG_TYPE=GRPC_XDS_SOTW} (issue #25, part 2), over a real ADS stream from a management
 * server in this test that serves {@code RateLimitConfig} as go-control-plane's do: the service
 * sends its node and the type, loads and ACKs a response, NACKs one that does not load with the
 * parser's errors and keeps what it had, takes our extension fields, and opens the stream again
 * asking for the version it accepted last. Behaviour as the reference's {@code
 * xds_grpc_sotw_provider.go} and {@code config_xds.go}.
 */
class XdsConfigSourceTest {
  private final List<DiscoveryRequest> received = new CopyOnWriteArrayList<>();
  private final List<StreamObserver<DiscoveryResponse>> streams = new CopyOnWriteArrayList<>();
  private Server server;
  private ServiceHost host;
  private ManagedChannel channel;
  private int debugPort;

  @BeforeEach
  void start() throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase() {
                  @Override
                  public StreamObserver<DiscoveryRequest> streamAggregatedResources(
                      StreamObserver<DiscoveryResponse> responses) {
                    streams.add(responses);
                    return new StreamObserver<>() {
                      @Override
                      public void onNext(DiscoveryRequest request) {
                        received.add(request);
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {}
                    };
                  }
                })
            .build()
            .start();
    debugPort = FreePorts.next();
    host =
        RateLimitApp.start(
            new Settings(
                Map.ofEntries(
                    Map.entry("HOST", "127.0.0.1"),
                    Map.entry("GRPC_PORT", "0"),
                    Map.entry("PORT", "0"),
                    Map.entry("DEBUG_PORT", String.valueOf(debugPort)),
                    Map.entry("BACKEND_TYPE", "memory"),
                    Map.entry("CONFIG_TYPE", "GRPC_XDS_SOTW"),
                    Map.entry("CONFIG_GRPC_XDS_SERVER_URL", "127.0.0.1:" + server.getPort()),
                    Map.entry("CONFIG_GRPC_XDS_NODE_ID", "rl-1"),
                    Map.entry("CONFIG_GRPC_XDS_NODE_METADATA", "zone=a,tier=edge"),
                    Map.entry("XDS_CLIENT_BACKOFF_INITIAL_INTERVAL", "100ms"))),
            () -> 1_900_000_000L);
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    host.close();
    server.shutdownNow().awaitTermination();
  }

  private static DynamicMessage config(String name, String domain, DynamicMessage policy) {
    DynamicMessage descriptor =
        DynamicMessage.newBuilder(RateLimitConfigSchema.DESCRIPTOR)
            .setField(RateLimitConfigSchema.DESCRIPTOR.findFieldByName("key"), "user")
            .setField(RateLimitConfigSchema.DESCRIPTOR.findFieldByName("rate_limit"), policy)
            .build();
    return DynamicMessage.newBuilder(RateLimitConfigSchema.CONFIG)
        .setField(RateLimitConfigSchema.CONFIG.findFieldByName("name"), name)
        .setField(RateLimitConfigSchema.CONFIG.findFieldByName("domain"), domain)
        .addRepeatedField(RateLimitConfigSchema.CONFIG.findFieldByName("descriptors"), descriptor)
        .build();
  }

  private static DynamicMessage policy(String unit, int requests, Map<String, Object> extension) {
    DynamicMessage.Builder policy =
        DynamicMessage.newBuilder(RateLimitConfigSchema.POLICY)
            .setField(
                RateLimitConfigSchema.POLICY.findFieldByName("unit"),
                RateLimitConfigSchema.UNIT.findValueByName(unit))
            .setField(RateLimitConfigSchema.POLICY.findFieldByName("requests_per_unit"), requests);
    extension.forEach(
        (k, v) -> policy.setField(RateLimitConfigSchema.POLICY.findFieldByName(k), v));
    return policy.build();
  }

  private void send(String version, DynamicMessage... configs) {
    DiscoveryResponse.Builder response =
        DiscoveryResponse.newBuilder()
            .setVersionInfo(version)
            .setNonce("n-" + version)
            .setTypeUrl(RateLimitConfigSchema.TYPE_URL);
    for (DynamicMessage config : configs) {
      response.addResources(
          Any.newBuilder()
              .setTypeUrl(RateLimitConfigSchema.TYPE_URL)
              .setValue(config.toByteString())
              .build());
    }
    streams.get(streams.size() - 1).onNext(response.build());
  }

  private DiscoveryRequest answerTo(String version) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> received.stream().anyMatch(r -> r.getResponseNonce().equals("n-" + version)));
    return received.stream()
        .filter(r -> r.getResponseNonce().equals("n-" + version))
        .findFirst()
        .orElseThrow();
  }

  private RateLimitResponse.Code call(String domain, String user) {
    return RateLimitServiceGrpc.newBlockingStub(channel)
        .shouldRateLimit(
            RateLimitRequest.newBuilder()
                .setDomain(domain)
                .addDescriptors(
                    RateLimitDescriptor.newBuilder()
                        .addEntries(
                            RateLimitDescriptor.Entry.newBuilder().setKey("user").setValue(user)))
                .build())
        .getOverallCode();
  }

  @Test
  void loadsAcksNacksAndResumesAsTheReferenceDoes() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
    DiscoveryRequest first = received.get(0);

    send("v1", config("api-limits", "api", policy("MINUTE", 2, Map.of())));
    DiscoveryRequest ack = answerTo("v1");
    List<RateLimitResponse.Code> alice =
        List.of(call("api", "alice"), call("api", "alice"), call("api", "alice"));

    // A limited rule without a unit does not load: NACKed, and v1 stays in force.
    send("v2", config("api-limits", "api", policy("UNKNOWN", 5, Map.of())));
    DiscoveryRequest nack = answerTo("v2");
    RateLimitResponse.Code aliceAfterNack = call("api", "alice");

    // Our extension fields, and two resources (two domains) in one response.
    send(
        "v3",
        config(
            "api-limits",
            "api",
            policy("UNKNOWN", 5, Map.of("window", "10s", "algorithm", "sliding_window"))),
        config("web-limits", "web", policy("SECOND", 1, Map.of())));
    DiscoveryRequest third = answerTo("v3");
    String dump = ServiceProbe.get("127.0.0.1", debugPort, "/rlconfig").body();

    // The server ends the stream: the service opens another, asking for v3.
    int before = streams.size();
    streams.get(before - 1).onCompleted();
    await().atMost(Duration.ofSeconds(10)).until(() -> streams.size() > before);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                received.stream()
                    .anyMatch(
                        r -> r.getResponseNonce().isEmpty() && r.getVersionInfo().equals("v3")));

    assertThat(first.getNode().getId()).isEqualTo("rl-1");
    assertThat(first.getNode().getMetadata().getFieldsMap()).containsKeys("zone", "tier");
    assertThat(first.getNode().getMetadata().getFieldsOrThrow("zone").getStringValue())
        .isEqualTo("a");
    assertThat(first.getTypeUrl()).isEqualTo(RateLimitConfigSchema.TYPE_URL);
    assertThat(first.getResourceNamesList()).isEmpty(); // every resource, as the reference asks
    assertThat(ack.getVersionInfo()).isEqualTo("v1");
    assertThat(ack.hasErrorDetail()).isFalse();
    assertThat(alice)
        .containsExactly(
            RateLimitResponse.Code.OK,
            RateLimitResponse.Code.OK,
            RateLimitResponse.Code.OVER_LIMIT);
    assertThat(nack.getVersionInfo()).isEqualTo("v1");
    assertThat(nack.getErrorDetail().getMessage())
        .contains("xds:api-limits")
        .contains("descriptors[0].rate_limit");
    assertThat(aliceAfterNack).isEqualTo(RateLimitResponse.Code.OVER_LIMIT);
    assertThat(third.getVersionInfo()).isEqualTo("v3");
    assertThat(third.hasErrorDetail()).isFalse();
    assertThat(dump)
        .contains("api.user: unit=UNKNOWN window=10s requests_per_unit=5 algorithm=sliding_window")
        .contains("web.user: unit=SECOND requests_per_unit=1");
  }
}
