package io.attache.ratelimit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.runtime.InvalidSettingsException;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.ServiceProbe;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateLimitAppTest {

  @Test
  void startsFromSettingsAndAnswersHealthOverGrpcAndHttp() {
    Settings settings =
        new Settings(
            Map.of(
                "HOST",
                "127.0.0.1",
                "GRPC_PORT",
                "0",
                "PORT",
                "0",
                "DEBUG_PORT",
                "0",
                "BACKEND_TYPE",
                "memory"));
    try (ServiceHost host = RateLimitApp.start(settings)) {
      assertThat(ServiceProbe.grpcHealth("127.0.0.1", host.grpcPort())).isEqualTo("SERVING");
      assertThat(ServiceProbe.get("127.0.0.1", host.adminPort(), "/healthz").statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void aBadPortIsRejectedByName() {
    Settings settings = new Settings(Map.of("GRPC_PORT", "eighty"));

    assertThatThrownBy(() -> RateLimitApp.start(settings))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("GRPC_PORT=eighty: not a whole number");
  }

  @Test
  void aConnectionAgeThatIsNotADurationIsRejectedByName() {
    Settings settings = new Settings(Map.of("GRPC_MAX_CONNECTION_AGE_GRACE", "an hour"));

    assertThatThrownBy(() -> RateLimitApp.start(settings))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("GRPC_MAX_CONNECTION_AGE_GRACE=an hour: not a duration");
  }

  @Test
  void aRedisCaFileThatIsNotThereIsRejectedByNameBeforeAnyConnection() {
    Settings settings =
        new Settings(
            Map.of(
                "REDIS_SOCKET_TYPE", "tcp",
                "REDIS_URL", "localhost:6379",
                "REDIS_TLS", "true",
                "REDIS_TLS_CACERT", "/nowhere/ca.crt",
                "REDIS_TLS_CLIENT_CERT", "/nowhere/client.crt"));

    assertThatThrownBy(() -> RateLimitApp.start(settings))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("REDIS_TLS_CACERT=/nowhere/ca.crt: no such file")
        .hasMessageContaining(
            "REDIS_TLS_CLIENT_KEY=: REDIS_TLS_CLIENT_CERT and REDIS_TLS_CLIENT_KEY go together");
  }

  /**
   * The reference's timers and counters under its Prometheus mapping's names (envoyproxy/ratelimit
   * {@code src/stats/prom/default_mapper.yaml}), and the gRPC server's per method and status.
   */
  @Test
  void metricsCarryTheReferencesResponseTimeAndConfigLoadsAndGrpcPerMethod(@TempDir Path dir)
      throws Exception {
    Files.createDirectories(dir.resolve("config"));
    Files.writeString(
        dir.resolve("config/api.yaml"),
        "domain: api\ndescriptors:\n  - key: user\n    rate_limit: {unit: hour, requests_per_unit: 5}\n");
    Settings settings =
        new Settings(
            Map.of(
                "HOST", "127.0.0.1",
                "GRPC_PORT", "0",
                "PORT", "0",
                "DEBUG_PORT", "0",
                "BACKEND_TYPE", "memory",
                "RUNTIME_ROOT", dir.toString(),
                "RUNTIME_APPDIRECTORY", "config"));
    try (ServiceHost host = RateLimitApp.start(settings)) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
      try {
        RateLimitServiceGrpc.newBlockingStub(channel)
            .shouldRateLimit(
                RateLimitRequest.newBuilder()
                    .setDomain("api")
                    .addDescriptors(
                        RateLimitDescriptor.newBuilder()
                            .addEntries(
                                RateLimitDescriptor.Entry.newBuilder()
                                    .setKey("user")
                                    .setValue("alice")))
                    .build());
      } finally {
        channel.shutdownNow();
      }
      String metrics = ServiceProbe.get("127.0.0.1", host.adminPort(), "/metrics").body();

      assertThat(metrics)
          .contains(
              "ratelimit_service_response_time_seconds_count{grpc_method=\"ShouldRateLimit\"} 1")
          .contains(
              "ratelimit_service_response_time_seconds_bucket{grpc_method=\"ShouldRateLimit\",le=")
          .contains("ratelimit_service_config_load_success_total 1.0")
          .contains("ratelimit_service_config_load_error_total 0.0")
          .contains("attache_config_changes_total{kind=\"File\",outcome=\"applied\"} 1.0")
          .contains(
              "grpc_server_processing_duration_seconds_count{method=\"ShouldRateLimit\",methodType=\"UNARY\","
                  + "service=\"envoy.service.ratelimit.v3.RateLimitService\",statusCode=\"OK\"} 1")
          .contains(
              "grpc_server_processing_duration_seconds_count{method=\"ShouldRateLimit\",methodType=\"UNARY\","
                  + "service=\"envoy.service.ratelimit.v3.RateLimitService\",statusCode=\"UNKNOWN\"} 0");
    }
  }
}
