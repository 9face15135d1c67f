package io.attache.ratelimit.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.kafka.KafkaBrokerExtension;
import io.attache.testsupport.kafka.TopicReader;
import io.attache.testsupport.otel.OtlpReceiver;
import io.attache.testsupport.otel.OtlpReceiver.ReceivedSpan;
import io.attache.testsupport.redis.RedisServer;
import io.attache.testsupport.redis.RedisServerExtension;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenTelemetry tracing of ShouldRateLimit, exported over OTLP/gRPC to a real receiver: the span
 * continues the trace Envoy sent in the call's metadata (W3C {@code traceparent}, or B3), its Redis
 * call is a child span, and the OVER_LIMIT event in Kafka carries the span's {@code traceparent}
 * (the CloudEvents distributed-tracing extension).
 */
@ExtendWith({RedisServerExtension.class, KafkaBrokerExtension.class})
class RateLimitTracingTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String ENVOY_SPAN = "00f067aa0ba902b7";

  @TempDir Path dir;

  private ServiceHost start(
      RedisServer redis, EmbeddedKafkaBroker kafka, OtlpReceiver receiver, String prefix)
      throws Exception {
    Files.createDirectories(dir.resolve("runtime/config"));
    Files.writeString(
        dir.resolve("runtime/config/api.yaml"),
        """
        domain: api
        descriptors:
          - key: user
            rate_limit: {unit: hour, requests_per_unit: 1}
        """);
    Map<String, String> env = new HashMap<>();
    env.putAll(
        Map.of(
            "HOST",
            "127.0.0.1",
            "GRPC_PORT",
            "0",
            "PORT",
            "0",
            "DEBUG_PORT",
            "0",
            "REDIS_SOCKET_TYPE",
            "tcp",
            "REDIS_URL",
            redis.hostAndPort(),
            "RUNTIME_ROOT",
            dir.resolve("runtime").toString(),
            "KAFKA_BOOTSTRAP_SERVERS",
            kafka.bootstrapServers(),
            "ATTACHE_TOPIC_PREFIX",
            prefix,
            "ATTACHE_SPOOL_DIR",
            dir.resolve("log").toString()));
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
    env.put("OTEL_BSP_SCHEDULE_DELAY", "50");
    return RateLimitApp.start(new Settings(env));
  }

  private static RateLimitResponse call(int port, String user, Map<String, String> headers) {
    Metadata metadata = new Metadata();
    headers.forEach(
        (k, v) -> metadata.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      return RateLimitServiceGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
          .shouldRateLimit(
              RateLimitRequest.newBuilder()
                  .setDomain("api")
                  .addDescriptors(
                      RateLimitDescriptor.newBuilder()
                          .addEntries(
                              RateLimitDescriptor.Entry.newBuilder().setKey("user").setValue(user)))
                  .build());
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void shouldRateLimitContinuesEnvoysW3cTraceWithRedisAsAChildAndTheEventLinksToIt(
      RedisServer redis, EmbeddedKafkaBroker kafka) throws Exception {
    String user = "w3c-" + System.nanoTime();
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ServiceHost host = start(redis, kafka, receiver, "traced.")) {
      Map<String, String> traceparent =
          Map.of("traceparent", "00-" + TRACE_ID + "-" + ENVOY_SPAN + "-01");
      call(host.grpcPort(), user, traceparent);
      RateLimitResponse over = call(host.grpcPort(), user, traceparent);
      assertThat(over.getOverallCode()).isEqualTo(RateLimitResponse.Code.OVER_LIMIT);

      ReceivedSpan span =
          receiver.await(
              s ->
                  s.span().getName().equals("ShouldRateLimit")
                      && s.attribute("ratelimit.overall_code")
                          .equals(java.util.Optional.of("OVER_LIMIT")),
              Duration.ofSeconds(10));
      assertThat(span.service()).isEqualTo("ratelimit-service");
      assertThat(span.traceId()).isEqualTo(TRACE_ID);
      assertThat(span.parentSpanId()).isEqualTo(ENVOY_SPAN);
      assertThat(span.attribute("ratelimit.domain")).contains("api");
      ReceivedSpan redisCall =
          receiver.await(
              s ->
                  s.span().getName().startsWith("redis ") && s.parentSpanId().equals(span.spanId()),
              Duration.ofSeconds(10));
      assertThat(redisCall.attribute("db.system.name")).contains("redis");

      String expected = "00-" + TRACE_ID + "-" + span.spanId() + "-01";
      List<String> events =
          TopicReader.read(kafka, List.of("traced.traffic.ratelimit"), 1, Duration.ofSeconds(20))
              .stream()
              .map(r -> r.value())
              .filter(v -> v.contains(user))
              .toList();
      assertThat(events).hasSize(1);
      assertThat(events.get(0)).contains("\"traceparent\":\"" + expected + "\"");
    }
  }

  @Test
  void aB3TraceFromEnvoyIsContinuedToo(RedisServer redis, EmbeddedKafkaBroker kafka)
      throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ServiceHost host = start(redis, kafka, receiver, "traced-b3.")) {
      call(
          host.grpcPort(),
          "b3-" + System.nanoTime(),
          Map.of("x-b3-traceid", TRACE_ID, "x-b3-spanid", ENVOY_SPAN, "x-b3-sampled", "1"));

      ReceivedSpan span =
          receiver.await(s -> s.span().getName().equals("ShouldRateLimit"), Duration.ofSeconds(10));
      assertThat(span.traceId()).isEqualTo(TRACE_ID);
      assertThat(span.parentSpanId()).isEqualTo(ENVOY_SPAN);
    }
  }
}
