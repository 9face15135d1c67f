package io.attache.ratelimit.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.ratelimit.app.RateLimitApp;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import io.attache.testsupport.ServiceProbe;
import io.attache.testsupport.kafka.KafkaBrokerExtension;
import io.attache.testsupport.kafka.TopicReader;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The service as Envoy and operators meet it: gRPC over Netty, the HTTP ports, files, Kafka. */
@ExtendWith(KafkaBrokerExtension.class)
class RateLimitServiceEndToEndTest {
  private static final long NOW = 1_800_000_030L; // 30 s into a minute, pinned
  private static final String CONFIG =
      """
      domain: edge
      descriptors:
        - key: remote_address
          rate_limit:
            name: per-ip
            unit: minute
            requests_per_unit: 2
      """;

  @TempDir Path root;
  private ServiceHost host;
  private ManagedChannel channel;
  private RateLimitServiceGrpc.RateLimitServiceBlockingStub stub;
  private int debugPort;
  private EmbeddedKafkaBroker broker;

  @BeforeEach
  void start(EmbeddedKafkaBroker broker) throws Exception {
    this.broker = broker;
    Files.createDirectories(root.resolve("config"));
    Files.writeString(root.resolve("config/edge.yaml"), CONFIG);
    debugPort = FreePorts.next();
    Settings settings =
        new Settings(
            Map.ofEntries(
                Map.entry("HOST", "127.0.0.1"),
                Map.entry("GRPC_PORT", "0"),
                Map.entry("PORT", "0"),
                Map.entry("DEBUG_PORT", String.valueOf(debugPort)),
                Map.entry("BACKEND_TYPE", "memory"),
                Map.entry("RUNTIME_ROOT", root.toString()),
                Map.entry("ATTACHE_CONFIG_POLL_INTERVAL", "100ms"),
                Map.entry("LIMIT_RESPONSE_HEADERS_ENABLED", "true"),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()),
                Map.entry("ATTACHE_TOPIC_PREFIX", "e2e" + System.nanoTime() + "."),
                Map.entry("ATTACHE_SPOOL_DIR", root.resolve("spool").toString())));
    host = RateLimitApp.start(settings, () -> NOW);
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
    stub = RateLimitServiceGrpc.newBlockingStub(channel);
    prefix = settings.string("ATTACHE_TOPIC_PREFIX", "");
  }

  private String prefix;

  @AfterEach
  void stop() {
    channel.shutdownNow();
    host.close();
  }

  private static RateLimitRequest request(String domain, String key, String value) {
    return RateLimitRequest.newBuilder()
        .setDomain(domain)
        .addDescriptors(
            RateLimitDescriptor.newBuilder()
                .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value)))
        .build();
  }

  @Test
  void answersOverGrpcUntilTheLimitThenOverLimitWithHeaders() {
    RateLimitResponse first = stub.shouldRateLimit(request("edge", "remote_address", "10.0.0.1"));
    stub.shouldRateLimit(request("edge", "remote_address", "10.0.0.1"));
    RateLimitResponse third = stub.shouldRateLimit(request("edge", "remote_address", "10.0.0.1"));

    assertThat(first.getOverallCode()).isEqualTo(RateLimitResponse.Code.OK);
    RateLimitResponse.DescriptorStatus status = first.getStatuses(0);
    assertThat(status.getCurrentLimit().getName()).isEqualTo("per-ip");
    assertThat(status.getCurrentLimit().getRequestsPerUnit()).isEqualTo(2);
    assertThat(status.getCurrentLimit().getUnit())
        .isEqualTo(RateLimitResponse.RateLimit.Unit.MINUTE);
    assertThat(status.getLimitRemaining()).isEqualTo(1);
    assertThat(status.getDurationUntilReset().getSeconds()).isEqualTo(30);
    assertThat(third.getOverallCode()).isEqualTo(RateLimitResponse.Code.OVER_LIMIT);
    assertThat(third.getResponseHeadersToAddList())
        .extracting(h -> h.getKey() + "=" + h.getValue())
        .containsExactly("RateLimit-Limit=2", "RateLimit-Remaining=0", "RateLimit-Reset=30");
  }

  @Test
  void malformedRequestsAreGrpcErrorsWithTheReferencesMessage() {
    assertThatThrownBy(() -> stub.shouldRateLimit(request("", "k", "v")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("rate limit domain must not be empty");
            });
  }

  @Test
  void theJsonEndpointAnswers200Then429() throws Exception {
    String body =
        "{\"domain\":\"edge\",\"descriptors\":[{\"entries\":[{\"key\":\"remote_address\",\"value\":\"10.9.9.9\"}]}]}";
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest post =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.adminPort() + "/json"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();

    HttpResponse<String> first = http.send(post, HttpResponse.BodyHandlers.ofString());
    http.send(post, HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> third = http.send(post, HttpResponse.BodyHandlers.ofString());

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).contains("\"overallCode\": \"OK\"");
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.body()).contains("\"overallCode\": \"OVER_LIMIT\"");
  }

  @Test
  void healthcheckConfigDumpAndMetricsAreServed() {
    stub.shouldRateLimit(request("edge", "remote_address", "10.0.0.2"));

    assertThat(ServiceProbe.get("127.0.0.1", host.adminPort(), "/healthcheck").body())
        .isEqualTo("OK");
    assertThat(ServiceProbe.get("127.0.0.1", debugPort, "/rlconfig").body())
        .isEqualTo("edge.remote_address: unit=MINUTE requests_per_unit=2, shadow_mode: false\n");
    assertThat(ServiceProbe.get("127.0.0.1", host.adminPort(), "/metrics").body())
        .contains(
            "ratelimit_service_rate_limit_total_hits_total{domain=\"edge\",key=\"remote_address\"} 1.0");
  }

  @Test
  void aChangedFileIsPickedUpAndABadOneLeavesTheLastGoodConfig() throws Exception {
    Files.writeString(
        root.resolve("config/edge.yaml"),
        CONFIG.replace("requests_per_unit: 2", "requests_per_unit: 7"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                stub.shouldRateLimit(request("edge", "remote_address", "10.1.1.1"))
                        .getStatuses(0)
                        .getCurrentLimit()
                        .getRequestsPerUnit()
                    == 7);

    Files.writeString(
        root.resolve("config/broken.yaml"),
        "domain: other\ndescriptors:\n  - key: a\n    rate_limit: {unit: eon}\n");
    Thread.sleep(500);

    assertThat(
            stub.shouldRateLimit(request("edge", "remote_address", "10.1.1.2"))
                .getStatuses(0)
                .getCurrentLimit()
                .getRequestsPerUnit())
        .isEqualTo(7);
    assertThat(ServiceProbe.get("127.0.0.1", debugPort, "/rlconfig").body())
        .doesNotContain("other");
  }

  @Test
  void overLimitDecisionsAreEventsOnTheTrafficTopic() {
    for (int i = 0; i < 3; i++) {
      stub.shouldRateLimit(request("edge", "remote_address", "10.7.7.7"));
    }

    List<ConsumerRecord<String, String>> records =
        TopicReader.read(broker, List.of(prefix + "traffic.ratelimit"), 1, Duration.ofSeconds(30));
    assertThat(records).isNotEmpty();
    ConsumerRecord<String, String> record = records.get(0);
    assertThat(record.key()).isEqualTo("edge|remote_address=10.7.7.7");
    assertThat(record.value())
        .contains("\"code\":\"OVER_LIMIT\"")
        .contains("\"requestsPerUnit\":2")
        .contains("\"unit\":\"MINUTE\"")
        .contains("\"windowSeconds\":60")
        .contains("\"algorithm\":\"fixed_window\"")
        .contains("\"remaining\":0");
  }
}
