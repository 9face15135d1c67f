package io.attache.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.events.InMemoryEventSink;
import io.attache.runtime.host.ServiceHost;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each limit of {@link GrpcLimits} on a real port, over real sockets: grpc-java's client where it
 * behaves, {@link RawHttp2} for what a misbehaving client does.
 */
class GrpcLimitsTest {
  private static final int STREAMS = 4;
  private static final int MESSAGE_BYTES = 64 * 1024;

  private static final MethodDescriptor<byte[], byte[]> ECHO =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("test.Echo/Echo")
          .setRequestMarshaller(new Bytes())
          .setResponseMarshaller(new Bytes())
          .build();

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ServiceHost host =
      ServiceHost.builder("limits")
          .host("127.0.0.1")
          .registry(registry)
          .events(new InMemoryEventSink())
          .service(
              ServerServiceDefinition.builder("test.Echo")
                  .addMethod(
                      ECHO,
                      ServerCalls.asyncUnaryCall(
                          (request, response) -> {
                            response.onNext(request);
                            response.onCompleted();
                          }))
                  .build())
          .grpcLimits(
              new GrpcLimits(
                  ConnectionAge.REFERENCE_DEFAULTS, MESSAGE_BYTES, STREAMS, Duration.ofMinutes(1)))
          .start();
  private final ManagedChannel channel =
      ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();

  @AfterEach
  void stop() {
    channel.shutdownNow();
    host.close();
  }

  @Test
  void aMessageOverTheLimitIsRefusedAndCountedWhileOneWithinItIsAnswered() {
    byte[] within = new byte[MESSAGE_BYTES - 16];
    assertThat(ClientCalls.blockingUnaryCall(channel, ECHO, io.grpc.CallOptions.DEFAULT, within))
        .hasSize(within.length);

    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnaryCall(
                    channel, ECHO, io.grpc.CallOptions.DEFAULT, new byte[MESSAGE_BYTES + 1]))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(registry.scrape()).contains("attache_grpc_calls_refused_total 1.0");
  }

  @Test
  void streamsPastTheLimitOnOneConnectionAreRefusedWhileOtherClientsAreServed() throws Exception {
    try (RawHttp2 flood = new RawHttp2(host.grpcPort())) {
      for (int i = 0; i < STREAMS + 6; i++) {
        flood.openCall(1 + 2 * i, "/test.Echo/Echo");
      }
      List<RawHttp2.Frame> frames = flood.readFor(1_000);

      List<RawHttp2.Frame> refused =
          frames.stream()
              .filter(f -> f.type() == RawHttp2.RST_STREAM)
              .filter(f -> f.errorCode() == RawHttp2.REFUSED_STREAM)
              .toList();
      assertThat(refused).hasSize(6);
      assertThat(refused).allMatch(f -> f.stream() > 2 * STREAMS);
      assertServedOnAnotherConnection();
    }
  }

  @Test
  void aClientPingingTooOftenIsSentGoAwayAndDisconnected() throws Exception {
    try (RawHttp2 abuser = new RawHttp2(host.grpcPort())) {
      for (int i = 0; i < 5; i++) {
        abuser.ping(i);
      }
      List<RawHttp2.Frame> frames = abuser.readFor(2_000);

      assertThat(frames)
          .filteredOn(f -> f.type() == RawHttp2.GOAWAY)
          .singleElement()
          .satisfies(
              goAway -> {
                assertThat(goAway.errorCode()).isEqualTo(RawHttp2.ENHANCE_YOUR_CALM);
                assertThat(new String(goAway.payload(), 8, goAway.payload().length - 8))
                    .isEqualTo("too_many_pings");
              });
      assertThat(abuser.closedByServer(2_000)).isTrue();
    }
    assertServedOnAnotherConnection();
  }

  @Test
  void aClientPingingWithinThePermittedRateStaysConnected() throws Exception {
    GrpcLimits lenient =
        new GrpcLimits(ConnectionAge.REFERENCE_DEFAULTS, MESSAGE_BYTES, STREAMS, Duration.ZERO);
    try (ServiceHost permissive =
            ServiceHost.builder("lenient")
                .host("127.0.0.1")
                .events(new InMemoryEventSink())
                .grpcLimits(lenient)
                .start();
        RawHttp2 client = new RawHttp2(permissive.grpcPort())) {
      for (int i = 0; i < 5; i++) {
        client.ping(i);
      }
      List<RawHttp2.Frame> frames = client.readFor(1_000);

      assertThat(frames).noneMatch(f -> f.type() == RawHttp2.GOAWAY);
      assertThat(frames).filteredOn(f -> f.type() == RawHttp2.PING).hasSize(5);
    }
  }

  @Test
  void settingsNameEachLimitAndRefuseWhatCannotWork() {
    Settings settings =
        new Settings(
            Map.of(
                "GRPC_MAX_INBOUND_MESSAGE_BYTES", "8388608",
                "GRPC_MAX_CONCURRENT_STREAMS", "100",
                "GRPC_PERMIT_KEEPALIVE_TIME", "30s"));
    GrpcLimits limits = GrpcLimits.fromSettings(settings);
    settings.validate();
    assertThat(limits.maxInboundMessageBytes()).isEqualTo(8 << 20);
    assertThat(limits.maxConcurrentStreams()).isEqualTo(100);
    assertThat(limits.permitKeepAliveTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(GrpcLimits.fromSettings(new Settings(Map.of()))).isEqualTo(GrpcLimits.DEFAULTS);

    Settings bad =
        new Settings(
            Map.of("GRPC_MAX_CONCURRENT_STREAMS", "0", "GRPC_PERMIT_KEEPALIVE_TIME", "-1s"));
    GrpcLimits.fromSettings(bad);
    assertThatThrownBy(bad::validate)
        .hasMessageContaining("GRPC_MAX_CONCURRENT_STREAMS=0")
        .hasMessageContaining("GRPC_PERMIT_KEEPALIVE_TIME=-1s");
  }

  private void assertServedOnAnotherConnection() {
    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
  }

  /** Requests and responses as raw bytes. */
  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
