package io.attache.ratelimit.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.testsupport.FreePorts;
import io.attache.testsupport.crash.AuditTrail;
import io.attache.testsupport.crash.CrashLoad;
import io.attache.testsupport.kafka.KafkaBrokerProcess;
import io.attache.testsupport.process.ChildJvm;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OVER_LIMIT events survive the process being killed (issue #20): ratelimit-service runs in a child
 * JVM, publishing to a Kafka broker in another process, under load from eight gRPC clients whose
 * every call is over the limit; it is killed with SIGKILL and started again on the same event log.
 * Every OVER_LIMIT a client received is in {@code traffic.ratelimit} (found by its {@code
 * x-request-id}), and the {@code sequence} has no gap.
 */
class OverLimitAuditSurvivesCrashTest {
  private static final String CONFIG =
      """
      domain: api
      descriptors:
        - key: user
          rate_limit: {unit: hour, requests_per_unit: 1}
      """;
  private static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir Path dir;

  private final List<ManagedChannel> channels = new ArrayList<>();

  @Test
  void everyAnsweredOverLimitIsInKafkaAfterSigkillAndTheSequenceHasNoGap() throws Exception {
    Files.createDirectories(dir.resolve("runtime/config"));
    Files.writeString(dir.resolve("runtime/config/api.yaml"), CONFIG);
    try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(dir.resolve("broker.log"))) {
      String bootstrap = broker.bootstrapServers();
      int[] ports = FreePorts.next(3);
      Map<String, String> env =
          Map.of(
              "HOST", "127.0.0.1",
              "GRPC_PORT", String.valueOf(ports[0]),
              "PORT", String.valueOf(ports[1]),
              "DEBUG_PORT", String.valueOf(ports[2]),
              "BACKEND_TYPE", "memory",
              "RUNTIME_ROOT", dir.resolve("runtime").toString(),
              "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
              "ATTACHE_INSTANCE", "crash-test",
              "ATTACHE_SPOOL_DIR", dir.resolve("log").toString());
      String ready = "http://127.0.0.1:" + ports[1] + "/readyz";
      String main = RateLimitMain.class.getName();

      CrashLoad.Result load;
      try (ChildJvm first = ChildJvm.start(main, env, dir.resolve("1.log"))) {
        first.awaitReady(ready, Duration.ofSeconds(60));
        load = CrashLoad.untilKilled(8, Duration.ofSeconds(3), first, t -> client(ports[0]));
      } finally {
        channels.forEach(ManagedChannel::shutdownNow);
      }
      assertThat(load.answered()).hasSizeGreaterThan(500);

      try (ChildJvm second = ChildJvm.start(main, env, dir.resolve("2.log"))) {
        second.awaitReady(ready, Duration.ofSeconds(60));
        AuditTrail.Report report =
            AuditTrail.read(
                    bootstrap, "attache.traffic.ratelimit", load.answered(), Duration.ofSeconds(60))
                .check(load.answered());

        System.out.printf(
            "crash: %d answered before SIGKILL, %d events read (%d distinct), last sequence %d%n",
            load.answered().size(), report.events(), report.distinct(), report.maxSequence());
        assertThat(report.problems()).isEmpty();
        second.stop(Duration.ofSeconds(20));
      } finally {
        channels.forEach(ManagedChannel::shutdownNow);
      }
    }
  }

  /** One gRPC connection; a call is answered when an OVER_LIMIT response arrives. */
  private CrashLoad.Call client(int port) {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    channels.add(channel);
    RateLimitServiceGrpc.RateLimitServiceBlockingStub stub =
        RateLimitServiceGrpc.newBlockingStub(channel);
    RateLimitRequest request =
        RateLimitRequest.newBuilder()
            .setDomain("api")
            .addDescriptors(
                RateLimitDescriptor.newBuilder()
                    .addEntries(
                        RateLimitDescriptor.Entry.newBuilder().setKey("user").setValue("u")))
            .build();
    return requestId -> {
      Metadata headers = new Metadata();
      headers.put(REQUEST_ID, requestId);
      RateLimitResponse response =
          stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .shouldRateLimit(request);
      return response.getOverallCode() == RateLimitResponse.Code.OVER_LIMIT;
    };
  }
}
