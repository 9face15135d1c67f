package io.attache.ratelimit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.tls.MutualTls;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ratelimit-service with the reference's TLS variables ({@code GRPC_SERVER_USE_TLS}, {@code
 * GRPC_SERVER_TLS_CERT/KEY}, {@code GRPC_CLIENT_TLS_CACERT}, {@code GRPC_CLIENT_TLS_SAN}; the
 * reference's own test is {@code Test_mTLS} in {@code test/integration/integration_test.go}):
 * ShouldRateLimit over mutual TLS, and nothing over plaintext.
 */
class RateLimitTlsTest {
  @TempDir Path dir;

  @Test
  void shouldRateLimitIsAnsweredOverMutualTlsToAClientNamedByTheSan() {
    MutualTls tls = new MutualTls(dir, "envoy", "localhost");
    Map<String, String> env = tls.serverSettings();
    env.put("GRPC_CLIENT_TLS_SAN", "localhost"); // as the reference's Test_mTLS
    env.putAll(
        Map.of(
            "HOST", "127.0.0.1",
            "GRPC_PORT", "0",
            "PORT", "0",
            "DEBUG_PORT", "0",
            "BACKEND_TYPE", "memory"));
    try (ServiceHost host = RateLimitApp.start(new Settings(env))) {
      RateLimitRequest request =
          RateLimitRequest.newBuilder()
              .setDomain("unconfigured")
              .addDescriptors(
                  RateLimitDescriptor.newBuilder()
                      .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("k").setValue("v")))
              .build();
      ManagedChannel channel = tls.channel(host.grpcPort());
      ManagedChannel plaintext =
          ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
      try {
        assertThat(
                RateLimitServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .shouldRateLimit(request)
                    .getOverallCode())
            .isEqualTo(RateLimitResponse.Code.OK);
        assertThatThrownBy(
                () ->
                    RateLimitServiceGrpc.newBlockingStub(plaintext)
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .shouldRateLimit(request))
            .isInstanceOf(StatusRuntimeException.class)
            .hasMessageStartingWith("UNAVAILABLE");
      } finally {
        channel.shutdownNow();
        plaintext.shutdownNow();
      }
    }
  }
}
