package io.attache.ratelimit.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.UInt64Value;
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
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quotas from Kafka (issue #25, part 5), with the in-process broker and two replicas: a record on
 * the compacted topic is applied by both within a second of being written, a tombstone removes it,
 * a record that breaks a rule is refused and leaves the last good quota, and every record is
 * audited on {@code audit.config}.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaQuotaTest {
  private static final String ALICE =
      "{\"domain\":\"api\",\"entries\":[{\"key\":\"user\",\"value\":\"alice\"}]}";

  @TempDir Path root;
  private EmbeddedKafkaBroker broker;
  private String prefix;
  private final List<ServiceHost> replicas = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private KafkaProducer<String, String> producer;

  @BeforeEach
  void start(EmbeddedKafkaBroker broker) throws Exception {
    this.broker = broker;
    prefix = "quotas" + System.nanoTime() + ".";
    Properties admin = new Properties();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (Admin client = Admin.create(admin)) {
      client
          .createTopics(
              List.of(
                  new NewTopic(prefix + "control.limits", 2, (short) 1)
                      .configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get();
    }
    Files.createDirectories(root.resolve("config"));
    Files.writeString(
        root.resolve("config/api.yaml"),
        "domain: api\ndescriptors:\n  - {key: user, rate_limit: {unit: minute, requests_per_unit: 2}}\n");
    for (int i = 0; i < 2; i++) {
      Settings settings =
          new Settings(
              Map.ofEntries(
                  Map.entry("HOST", "127.0.0.1"),
                  Map.entry("GRPC_PORT", "0"),
                  Map.entry("PORT", "0"),
                  Map.entry("DEBUG_PORT", String.valueOf(FreePorts.next())),
                  Map.entry("BACKEND_TYPE", "memory"),
                  Map.entry("RUNTIME_ROOT", root.toString()),
                  Map.entry("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()),
                  Map.entry("ATTACHE_TOPIC_PREFIX", prefix),
                  Map.entry("ATTACHE_QUOTAS_TOPIC", prefix + "control.limits"),
                  Map.entry("ATTACHE_INSTANCE", "replica-" + i),
                  Map.entry("ATTACHE_SPOOL_DIR", root.resolve("spool" + i).toString())));
      ServiceHost host = RateLimitApp.start(settings, () -> 1_900_000_000L);
      replicas.add(host);
      channels.add(
          ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build());
    }
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new StringSerializer());
  }

  @AfterEach
  void stop() {
    producer.close();
    channels.forEach(ManagedChannel::shutdownNow);
    replicas.forEach(ServiceHost::close);
  }

  /** Alice's limit as a replica answers it, asked without counting a hit (hits_addend 0). */
  private long aliceLimit(ManagedChannel channel) {
    return RateLimitServiceGrpc.newBlockingStub(channel)
        .shouldRateLimit(
            RateLimitRequest.newBuilder()
                .setDomain("api")
                .addDescriptors(
                    RateLimitDescriptor.newBuilder()
                        .addEntries(
                            RateLimitDescriptor.Entry.newBuilder().setKey("user").setValue("alice"))
                        .setHitsAddend(UInt64Value.of(0)))
                .build())
        .getStatuses(0)
        .getCurrentLimit()
        .getRequestsPerUnit();
  }

  private void write(String value) throws Exception {
    producer.send(new ProducerRecord<>(prefix + "control.limits", ALICE, value)).get();
  }

  /** Writes a record and waits, at most a second, until both replicas answer {@code limit}. */
  private void writeAndAwait(String value, long limit) throws Exception {
    write(value);
    await()
        .atMost(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(
            () ->
                assertThat(channels)
                    .allSatisfy(channel -> assertThat(aliceLimit(channel)).isEqualTo(limit)));
  }

  @Test
  void everyReplicaAppliesAQuotaWithinASecondAndATombstoneRemovesIt() throws Exception {
    // Both replicas read the topic from its start: wait until they do (a first record applied).
    write("{\"requests_per_unit\": 3, \"unit\": \"minute\"}");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(channels)
                    .allSatisfy(channel -> assertThat(aliceLimit(channel)).isEqualTo(3)));

    writeAndAwait("{\"requests_per_unit\": 5, \"unit\": \"minute\"}", 5);
    write("{\"requests_per_unit\": -1}");
    // The second is promised for applying a quota (above); a refusal only has to be counted, and
    // each poll here scrapes both replicas' metrics over HTTP, slow on a loaded machine.
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () ->
                assertThat(replicas)
                    .allSatisfy(
                        host ->
                            assertThat(
                                    ServiceProbe.get("127.0.0.1", host.adminPort(), "/metrics")
                                        .body())
                                .contains(
                                    "attache_ratelimit_quota_records_total{outcome=\"rejected\"} 1.0")));
    assertThat(channels)
        .as("refused: the last good quota stays")
        .allSatisfy(channel -> assertThat(aliceLimit(channel)).isEqualTo(5));
    writeAndAwait(null, 2); // the configured limit again

    List<String> audits = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              audits.clear();
              TopicReader.read(broker, List.of(prefix + "audit.config"), 100, Duration.ofSeconds(1))
                  .stream()
                  .map(ConsumerRecord::value)
                  .filter(v -> v.contains("RateLimitQuota"))
                  .forEach(audits::add);
              return audits.size() >= 8; // four records, audited by each replica
            });
    assertThat(audits)
        .anySatisfy(v -> assertThat(v).contains("quota set: 5 per 60s").contains("APPLIED"))
        .anySatisfy(
            v ->
                assertThat(v)
                    .contains("REJECTED")
                    .contains("value.requests_per_unit: must be 0 to 4294967295, was -1"))
        .anySatisfy(v -> assertThat(v).contains("quota removed"));
    assertThat(audits.stream().filter(v -> v.contains("quota set: 5 per 60s")))
        .as("audited by each replica")
        .hasSize(2);
  }
}
