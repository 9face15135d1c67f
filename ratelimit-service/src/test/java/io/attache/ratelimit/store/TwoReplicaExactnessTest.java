package io.attache.ratelimit.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.ratelimit.app.RateLimitApp;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import io.attache.testsupport.redis.RedisServer;
import io.attache.testsupport.redis.RedisServerExtension;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two service replicas sharing one Redis, hammered by concurrent clients through real gRPC: exactly
 * {@code requests_per_unit} calls are admitted in the window, never one more.
 */
@ExtendWith(RedisServerExtension.class)
class TwoReplicaExactnessTest {
  private static final int LIMIT = 300;
  private static final int CALLS = 3 * LIMIT;
  private static final int CLIENTS = 16;

  @TempDir Path root;

  private ServiceHost replica(RedisServer redis, String pipelineWindow) {
    Settings settings =
        new Settings(
            Map.ofEntries(
                Map.entry("HOST", "127.0.0.1"),
                Map.entry("GRPC_PORT", "0"),
                Map.entry("PORT", "0"),
                Map.entry("DEBUG_PORT", String.valueOf(FreePorts.next())),
                Map.entry("BACKEND_TYPE", "redis"),
                Map.entry("REDIS_SOCKET_TYPE", "tcp"),
                Map.entry("REDIS_URL", redis.hostAndPort()),
                Map.entry("REDIS_POOL_SIZE", "4"),
                Map.entry("REDIS_PIPELINE_WINDOW", pipelineWindow),
                Map.entry("RUNTIME_ROOT", root.toString())));
    return RateLimitApp.start(settings, () -> 1_900_000_000L); // one window for the whole test
  }

  @Test
  void exactlyTheLimitIsAdmittedAcrossTwoReplicas(RedisServer redis) throws Exception {
    hammer(redis, "0", "alice", "{unit: hour, requests_per_unit: " + LIMIT + "}", LIMIT);
  }

  @Test
  void exactlyTheLimitIsAdmittedWithWriteCoalescing(RedisServer redis) throws Exception {
    hammer(redis, "2ms", "bob", "{unit: hour, requests_per_unit: " + LIMIT + "}", LIMIT);
  }

  /**
   * A token bucket (issue #25) of {@code burst} 100 refilled at 300 an hour (a token every 12
   * seconds): in a run far shorter than 12 seconds exactly the burst passes, whichever replica each
   * call reaches, since every take is one atomic script judged by Redis's own clock.
   */
  @Test
  void exactlyTheBurstIsAdmittedFromATokenBucketAcrossTwoReplicas(RedisServer redis)
      throws Exception {
    hammer(
        redis,
        "2ms",
        "carol",
        "{unit: hour, requests_per_unit: " + LIMIT + ", algorithm: token_bucket, burst: 100}",
        100);
  }

  /**
   * A sliding window (issue #25) of 300 a day whose previous day counted 200 (seeded in Redis as
   * the script keeps it): exactly what the previous day's remaining weight leaves is admitted,
   * whichever replica each call reaches, since every count is one atomic script judged by Redis's
   * own clock. In the second or two the run takes, the weight moves by about 0.005 of a call, so
   * the answer is the one at the start or the one at the end.
   */
  @Test
  void exactlyWhatTheWeightLeavesIsAdmittedFromASlidingWindowAcrossTwoReplicas(RedisServer redis)
      throws Exception {
    long day = 86_400_000_000L;
    io.lettuce.core.RedisClient client =
        io.lettuce.core.RedisClient.create("redis://" + redis.hostAndPort());
    try (var connection = client.connect()) {
      var sync = connection.sync();
      long start = redisMicros(sync);
      long windowStart = start - start % day;
      sync.hset("api_user_dave_sw", Map.of("s", Long.toString(windowStart - day), "c", "200"));
      int admitted =
          hammer(
              redis,
              "2ms",
              "dave",
              "{unit: day, requests_per_unit: " + LIMIT + ", algorithm: sliding_window}");
      long end = redisMicros(sync);
      org.junit.jupiter.api.Assumptions.assumeTrue(
          end - end % day == windowStart, "the run crossed midnight UTC");

      assertThat((long) admitted).isBetween(allowed(200, start, day), allowed(200, end, day));
      assertThat(sync.hget("api_user_dave_sw", "c")).isEqualTo(Integer.toString(admitted));
    } finally {
      client.shutdown();
    }
  }

  private static long redisMicros(io.lettuce.core.api.sync.RedisCommands<String, String> sync) {
    List<String> time = sync.time();
    return Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
  }

  /** What a sliding window admits at {@code now} when its previous window counted {@code prev}. */
  private static long allowed(long previous, long now, long window) {
    double weight = previous * (double) (window - now % window) / window;
    return (long) Math.floor(LIMIT - weight);
  }

  private void hammer(
      RedisServer redis, String pipelineWindow, String user, String rateLimit, int expected)
      throws Exception {
    int admitted = hammer(redis, pipelineWindow, user, rateLimit);
    assertThat(admitted).isEqualTo(expected);
  }

  /** Sends {@code CALLS} calls from 16 clients over two replicas; answers how many passed. */
  private int hammer(RedisServer redis, String pipelineWindow, String user, String rateLimit)
      throws Exception {
    Files.createDirectories(root.resolve("config"));
    Files.writeString(
        root.resolve("config/api.yaml"),
        "domain: api\ndescriptors:\n  - key: user\n    rate_limit: " + rateLimit + "\n");
    try (ServiceHost a = replica(redis, pipelineWindow);
        ServiceHost b = replica(redis, pipelineWindow)) {
      List<ManagedChannel> channels =
          List.of(
              ManagedChannelBuilder.forAddress("127.0.0.1", a.grpcPort()).usePlaintext().build(),
              ManagedChannelBuilder.forAddress("127.0.0.1", b.grpcPort()).usePlaintext().build());
      RateLimitRequest request =
          RateLimitRequest.newBuilder()
              .setDomain("api")
              .addDescriptors(
                  RateLimitDescriptor.newBuilder()
                      .addEntries(
                          RateLimitDescriptor.Entry.newBuilder().setKey("user").setValue(user)))
              .build();
      AtomicInteger admitted = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      AtomicInteger issued = new AtomicInteger();
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        done.add(
            clients.submit(
                () -> {
                  go.await();
                  while (issued.getAndIncrement() < CALLS) {
                    RateLimitServiceGrpc.RateLimitServiceBlockingStub stub =
                        RateLimitServiceGrpc.newBlockingStub(
                            channels.get((client + issued.get()) % 2));
                    RateLimitResponse response = stub.shouldRateLimit(request);
                    (response.getOverallCode() == RateLimitResponse.Code.OK ? admitted : refused)
                        .incrementAndGet();
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> future : done) {
        future.get();
      }
      clients.shutdown();
      channels.forEach(ManagedChannel::shutdownNow);

      assertThat(admitted.get() + refused.get()).isEqualTo(CALLS);
      return admitted.get();
    }
  }
}
