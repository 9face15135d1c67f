package io.attache.ratelimit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.ratelimit.app.RateLimitApp;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import io.attache.testsupport.ServiceProbe;
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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Redis is unreachable: the answer still comes at once, shaped by the failure mode. */
class StoreFailureModeTest {
  @TempDir Path root;

  private ServiceHost start(String failureMode) throws Exception {
    Files.createDirectories(root.resolve("config"));
    Files.writeString(
        root.resolve("config/api.yaml"),
        "domain: api\ndescriptors:\n  - key: user\n    rate_limit: {unit: hour, requests_per_unit: 5}\n");
    Map<String, String> env = new HashMap<>();
    env.put("HOST", "127.0.0.1");
    env.put("GRPC_PORT", "0");
    env.put("PORT", "0");
    env.put("DEBUG_PORT", String.valueOf(FreePorts.next()));
    env.put("BACKEND_TYPE", "redis");
    env.put("REDIS_SOCKET_TYPE", "tcp");
    env.put("REDIS_URL", "127.0.0.1:" + FreePorts.next()); // nothing listens there
    env.put("RUNTIME_ROOT", root.toString());
    if (failureMode != null) {
      env.put("ATTACHE_STORE_FAILURE_MODE", failureMode);
    }
    return RateLimitApp.start(new Settings(env));
  }

  private static RateLimitResponse call(ServiceHost host) {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
    try {
      return RateLimitServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(Duration.ofSeconds(2))
          .shouldRateLimit(
              RateLimitRequest.newBuilder()
                  .setDomain("api")
                  .addDescriptors(
                      RateLimitDescriptor.newBuilder()
                          .addEntries(
                              RateLimitDescriptor.Entry.newBuilder().setKey("user").setValue("u")))
                  .build());
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void byDefaultTheCallFailsSoEnvoyAppliesItsOwnFailureMode() throws Exception {
    try (ServiceHost host = start(null)) {
      // As the reference: ShouldRateLimit returns the RedisError as a plain Go error
      // (envoyproxy/ratelimit src/service/ratelimit.go), which grpc-go sends as UNKNOWN.
      assertThatThrownBy(() -> call(host))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN));
      assertThat(ServiceProbe.get("127.0.0.1", host.adminPort(), "/healthcheck").statusCode())
          .isEqualTo(500);
      assertThat(ServiceProbe.get("127.0.0.1", host.adminPort(), "/metrics").body())
          .contains("ratelimit_service_call_should_rate_limit_redis_error_total 1.0");
    }
  }

  @Test
  void theJsonEndpointAnswers400WhenTheStoreFails() throws Exception {
    // envoyproxy/ratelimit src/server/server_impl.go NewJsonHandler: an error from
    // ShouldRateLimit, a RedisError included, is written as 400 Bad Request.
    try (ServiceHost host = start(null)) {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + host.adminPort() + "/json"))
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"domain\":\"api\",\"descriptors\":[{\"entries\":"
                                  + "[{\"key\":\"user\",\"value\":\"u\"}]}]}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(400);
    }
  }

  @Test
  void failOpenAnswersOk() throws Exception {
    try (ServiceHost host = start("allow")) {
      assertThat(call(host).getOverallCode()).isEqualTo(RateLimitResponse.Code.OK);
    }
  }

  @Test
  void failClosedAnswersOverLimit() throws Exception {
    try (ServiceHost host = start("deny")) {
      assertThat(call(host).getOverallCode()).isEqualTo(RateLimitResponse.Code.OVER_LIMIT);
    }
  }
}
