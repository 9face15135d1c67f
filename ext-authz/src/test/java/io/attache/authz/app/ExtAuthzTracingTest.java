package io.attache.authz.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.grpc.EnvoyChecks;
import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import io.attache.testsupport.kafka.KafkaBrokerExtension;
import io.attache.testsupport.kafka.TopicReader;
import io.attache.testsupport.otel.OtlpReceiver;
import io.attache.testsupport.otel.OtlpReceiver.ReceivedSpan;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks as OpenTelemetry spans, exported over OTLP/gRPC to a real receiver: a gRPC Check continues
 * the trace Envoy put in the call's metadata, or else the one in the request's own headers; an HTTP
 * mode check continues the one in its headers (B3 here, as Emissary's Zipkin tracing sends); each
 * span names the policy, decision and reason, and the audit event carries its {@code traceparent}.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ExtAuthzTracingTest {
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String ENVOY_SPAN = "b7ad6b7169203331";

  @TempDir Path dir;
  private OtlpReceiver receiver;
  private ServiceHost host;
  private final int httpPort = FreePorts.next();

  @BeforeEach
  void start(EmbeddedKafkaBroker kafka) {
    receiver = OtlpReceiver.start();
    Map<String, String> env = new HashMap<>();
    env.putAll(
        Map.of(
            "HOST", "127.0.0.1",
            "GRPC_PORT", "0",
            "ADMIN_PORT", "0",
            "HTTP_PORT", String.valueOf(httpPort),
            "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
            "ATTACHE_TOPIC_PREFIX", "traced-authz.",
            "ATTACHE_SPOOL_DIR", dir.resolve("log").toString(),
            "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
            "OTEL_BSP_SCHEDULE_DELAY", "50"));
    host = ExtAuthzApp.start(new Settings(env));
  }

  @AfterEach
  void stop() {
    host.close();
    receiver.close();
  }

  private void grpcCheck(String path, Map<String, String> metadata, Map<String, String> headers) {
    Metadata extra = new Metadata();
    metadata.forEach((k, v) -> extra.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
    try {
      AuthorizationGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(extra))
          .check(EnvoyChecks.envoyCheck("GET", "shop.example.com", path, headers));
    } finally {
      channel.shutdownNow();
    }
  }

  /** The one check of a test (each test has its own service and receiver). */
  private ReceivedSpan checkSpan() {
    return receiver.await(
        s -> s.span().getName().equals("Check") && s.traceId().equals(TRACE_ID),
        Duration.ofSeconds(10));
  }

  @Test
  void aGrpcCheckContinuesTheTraceInItsMetadataAndTheAuditEventLinksToIt(
      EmbeddedKafkaBroker kafka) {
    grpcCheck(
        "/traced/metadata",
        Map.of("traceparent", "00-" + TRACE_ID + "-" + ENVOY_SPAN + "-01"),
        Map.of());

    ReceivedSpan span = checkSpan();
    assertThat(span.service()).isEqualTo("ext-authz");
    assertThat(span.parentSpanId()).isEqualTo(ENVOY_SPAN);
    assertThat(span.attribute("attache.decision")).contains("deny");
    assertThat(span.attribute("attache.reason")).contains("no_policy");
    assertThat(span.attribute("attache.policy")).contains("none");
    assertThat(span.attribute("attache.protocol")).contains("grpc");

    List<String> events =
        TopicReader.read(kafka, List.of("traced-authz.audit.authz"), 1, Duration.ofSeconds(20))
            .stream()
            .map(r -> r.value())
            .filter(v -> v.contains("/traced/metadata"))
            .toList();
    assertThat(events).hasSize(1);
    assertThat(events.get(0))
        .contains("\"traceparent\":\"00-" + TRACE_ID + "-" + span.spanId() + "-01\"");
  }

  @Test
  void withoutMetadataAGrpcCheckContinuesTheTraceInTheRequestsHeaders() {
    grpcCheck(
        "/traced/headers",
        Map.of(),
        Map.of("traceparent", "00-" + TRACE_ID + "-" + ENVOY_SPAN + "-01"));

    assertThat(checkSpan().parentSpanId()).isEqualTo(ENVOY_SPAN);
  }

  @Test
  void anHttpModeCheckContinuesAB3TraceFromItsHeaders() throws Exception {
    HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/traced/http"))
                .header("b3", TRACE_ID + "-" + ENVOY_SPAN + "-1")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    ReceivedSpan span = checkSpan();
    assertThat(span.parentSpanId()).isEqualTo(ENVOY_SPAN);
    assertThat(span.attribute("attache.protocol")).isEqualTo(Optional.of("http"));
  }
}
