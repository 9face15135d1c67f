package io.attache.controlplane.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UInt32Value;
import io.attache.events.AccessLog;
import io.attache.events.InMemoryEventSink;
import io.attache.runtime.host.ServiceHost;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.RequestMethod;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPRequestProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPResponseProperties;
import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real StreamAccessLogs streams, as Envoy sends them, over a Netty channel to the receiver on a
 * real {@link ServiceHost}; the events land in an in-memory sink.
 */
class AccessLogReceiverTest {
  private static final Instant START = Instant.parse("2026-11-26T17:00:00.123456Z");

  private final InMemoryEventSink events = new InMemoryEventSink();
  private final AccessLogReceiver receiver = new AccessLogReceiver(events);
  private final ServiceHost host =
      ServiceHost.builder("als-test")
          .host("127.0.0.1")
          .grpcPort(0)
          .adminPort(0)
          .events(events)
          .service(receiver)
          .start();
  private final ManagedChannel channel =
      NettyChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    host.close();
  }

  private static Address address(String ip, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port))
        .build();
  }

  private static HTTPAccessLogEntry entry(String path, int status, ResponseFlags flags) {
    return HTTPAccessLogEntry.newBuilder()
        .setProtocolVersion(HTTPAccessLogEntry.HTTPVersion.HTTP2)
        .setCommonProperties(
            AccessLogCommon.newBuilder()
                .setStartTime(
                    Timestamp.newBuilder()
                        .setSeconds(START.getEpochSecond())
                        .setNanos(START.getNano()))
                .setTimeToLastDownstreamTxByte(Duration.newBuilder().setNanos(1_500_000))
                .setDownstreamRemoteAddress(address("10.1.2.3", 40000))
                .setUpstreamRemoteAddress(address("fd00::1", 9090))
                .setUpstreamCluster("shop/cart:grpc")
                .setRouteName("cart")
                .setResponseFlags(flags))
        .setRequest(
            HTTPRequestProperties.newBuilder()
                .setRequestMethod(RequestMethod.POST)
                .setAuthority("cart.shop:8080")
                .setPath(path)
                .setRequestId("req-1")
                .setUserAgent("grpc-java/1.0")
                .setRequestBodyBytes(12))
        .setResponse(
            HTTPResponseProperties.newBuilder()
                .setResponseCode(UInt32Value.of(status))
                .setResponseBodyBytes(34))
        .build();
  }

  private static StreamAccessLogsMessage batch(
      Optional<String> logName, HTTPAccessLogEntry... entries) {
    StreamAccessLogsMessage.Builder message = StreamAccessLogsMessage.newBuilder();
    logName.ifPresent(
        name ->
            message.setIdentifier(
                StreamAccessLogsMessage.Identifier.newBuilder()
                    .setLogName(name)
                    .setNode(Node.newBuilder().setId("envoy-1").setCluster("edge"))));
    message.setHttpLogs(
        StreamAccessLogsMessage.HTTPAccessLogEntries.newBuilder().addAllLogEntry(List.of(entries)));
    return message.build();
  }

  /** Streams the batches, half-closes, and waits for the server to answer. */
  private void stream(StreamAccessLogsMessage... batches) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<StreamAccessLogsMessage> requests =
        AccessLogServiceGrpc.newStub(channel)
            .streamAccessLogs(
                new StreamObserver<>() {
                  @Override
                  public void onNext(StreamAccessLogsResponse response) {}

                  @Override
                  public void onError(Throwable t) {
                    done.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    done.complete(null);
                  }
                });
    for (StreamAccessLogsMessage batch : batches) {
      requests.onNext(batch);
    }
    requests.onCompleted();
    done.get(10, TimeUnit.SECONDS);
  }

  private List<AccessLog> accessLogs() {
    return events.events().stream()
        .filter(AccessLog.class::isInstance)
        .map(AccessLog.class::cast)
        .toList();
  }

  @Test
  void anHttpEntryBecomesAnAccessLogEvent() throws Exception {
    stream(
        batch(
            Optional.of("ingress"),
            entry("/shop.Cart/Add", 200, ResponseFlags.getDefaultInstance())));

    await()
        .untilAsserted(
            () ->
                assertThat(accessLogs())
                    .containsExactly(
                        new AccessLog(
                            "ingress",
                            Optional.of("envoy-1"),
                            Optional.of("2026-11-26T17:00:00.123456Z"),
                            "POST",
                            "cart.shop:8080",
                            "/shop.Cart/Add",
                            "HTTP/2",
                            200,
                            OptionalLong.of(1_500),
                            12,
                            34,
                            Optional.of("10.1.2.3:40000"),
                            Optional.of("shop/cart:grpc"),
                            Optional.of("[fd00::1]:9090"),
                            Optional.of("cart"),
                            Optional.of("req-1"),
                            Optional.of("grpc-java/1.0"),
                            Optional.empty())));
  }

  @Test
  void laterBatchesOfAStreamKeepTheIdentifierOfTheFirst() throws Exception {
    stream(
        batch(Optional.of("ingress"), entry("/a", 200, ResponseFlags.getDefaultInstance())),
        batch(
            Optional.empty(),
            entry("/b", 200, ResponseFlags.getDefaultInstance()),
            entry("/c", 200, ResponseFlags.getDefaultInstance())));

    await()
        .untilAsserted(
            () ->
                assertThat(accessLogs())
                    .extracting(e -> e.logName() + " " + e.node().orElseThrow() + " " + e.path())
                    .containsExactly(
                        "ingress envoy-1 /a", "ingress envoy-1 /b", "ingress envoy-1 /c"));
  }

  @Test
  void theQueryStringIsLeftOutOfThePathForItMayHoldACredential() throws Exception {
    stream(
        batch(
            Optional.of("ingress"),
            entry("/orders?api_key=s3cr3t&x=1", 200, ResponseFlags.getDefaultInstance())));

    await()
        .untilAsserted(
            () ->
                assertThat(accessLogs())
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.path()).isEqualTo("/orders");
                          assertThat(e.subject()).doesNotContain("s3cr3t");
                        }));
  }

  @Test
  void anEntryWithoutAStartTimeHasNoneRatherThanAnEmptyOne() throws Exception {
    HTTPAccessLogEntry entry = entry("/a", 200, ResponseFlags.getDefaultInstance());
    HTTPAccessLogEntry withoutStart =
        entry.toBuilder()
            .setCommonProperties(entry.getCommonProperties().toBuilder().clearStartTime())
            .build();

    stream(batch(Optional.of("ingress"), withoutStart));

    await()
        .untilAsserted(
            () ->
                assertThat(accessLogs())
                    .singleElement()
                    .extracting(AccessLog::startTime)
                    .isEqualTo(Optional.empty()));
  }

  @Test
  void responseFlagsUseEnvoysShortCodes() throws Exception {
    ResponseFlags flags =
        ResponseFlags.newBuilder()
            .setNoHealthyUpstream(true)
            .setRateLimited(true)
            .setUnauthorizedDetails(
                ResponseFlags.Unauthorized.newBuilder()
                    .setReason(ResponseFlags.Unauthorized.Reason.EXTERNAL_SERVICE))
            .build();

    stream(batch(Optional.of("ingress"), entry("/a", 503, flags)));

    await()
        .untilAsserted(
            () ->
                assertThat(accessLogs())
                    .singleElement()
                    .extracting(AccessLog::responseFlags)
                    .isEqualTo(Optional.of("UH,RL,UAEX")));
  }
}
