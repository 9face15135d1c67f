package io.attache.ratelimit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.ServiceProbe;
import io.attache.testsupport.kafka.KafkaBrokerExtension;
import io.attache.testsupport.redis.RedisServer;
import io.attache.testsupport.redis.RedisServerExtension;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client libraries' own metrics on ratelimit-service's /metrics, with the real clients: Lettuce
 * against a real redis-server, the Caffeine near cache ({@code LOCAL_CACHE_SIZE_IN_BYTES}) and the
 * Kafka producer against the embedded broker.
 */
@ExtendWith({RedisServerExtension.class, KafkaBrokerExtension.class})
class RateLimitBindersTest {
  @TempDir Path dir;

  @Test
  void lettuceCaffeineAndKafkaProducerMetricsAreExported(
      RedisServer redis, EmbeddedKafkaBroker kafka) throws Exception {
    Files.createDirectories(dir.resolve("runtime/config"));
    Files.writeString(
        dir.resolve("runtime/config/api.yaml"),
        "domain: api\ndescriptors:\n  - key: user\n    rate_limit: {unit: hour, requests_per_unit: 1}\n");
    Map<String, String> env = new HashMap<>();
    env.putAll(
        Map.of(
            "HOST", "127.0.0.1",
            "GRPC_PORT", "0",
            "PORT", "0",
            "DEBUG_PORT", "0",
            "REDIS_SOCKET_TYPE", "tcp",
            "REDIS_URL", redis.hostAndPort(),
            "RUNTIME_ROOT", dir.resolve("runtime").toString(),
            "LOCAL_CACHE_SIZE_IN_BYTES", "1000000",
            "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
            "ATTACHE_SPOOL_DIR", dir.resolve("log").toString()));
    try (ServiceHost host = RateLimitApp.start(new Settings(env))) {
      String user = "binders-" + System.nanoTime();
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
      try {
        for (int i = 0; i < 3; i++) { // the second is over the limit, the third from the cache
          RateLimitServiceGrpc.newBlockingStub(channel).shouldRateLimit(request(user));
        }
      } finally {
        channel.shutdownNow();
      }

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(ServiceProbe.get("127.0.0.1", host.adminPort(), "/metrics").body())
                      .contains("lettuce_command_completion_seconds_count{command=\"INCRBY\"")
                      .contains(
                          "cache_gets_total{cache=\"ratelimit_local_cache\",result=\"hit\"} 1.0")
                      .contains("kafka_producer_record_send_total{"));
    }
  }

  private static RateLimitRequest request(String user) {
    return RateLimitRequest.newBuilder()
        .setDomain("api")
        .addDescriptors(
            RateLimitDescriptor.newBuilder()
                .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("user").setValue(user)))
        .build();
  }
}
