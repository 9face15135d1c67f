package io.attache.bench.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.controlplane.app.ControlPlaneApp;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #25, part 2, end to end: the control plane serves RateLimitPolicies over its ADS port and
 * ratelimit-service takes them with the reference's variables ({@code CONFIG_TYPE=GRPC_XDS_SOTW},
 * {@code CONFIG_GRPC_XDS_SERVER_URL}), each a real process's wiring in this JVM. This module is the
 * one with both services on its class path. A policy edited is enforced as edited.
 */
class RateLimitConfigOverXdsTest {
  @TempDir Path resources;

  private static String policy(long perMinute) {
    return """
        apiVersion: attache.io/v1alpha1
        kind: RateLimitPolicy
        metadata: {name: per-user, namespace: shop}
        spec:
          domain: shop
          descriptors:
            - key: user
              rate_limit: {unit: minute, requests_per_unit: %d}
        """
        .formatted(perMinute);
  }

  @Test
  void aRateLimitServiceTakesItsConfigurationFromTheControlPlane() throws Exception {
    Files.writeString(resources.resolve("policy.yaml"), policy(2));
    try (ServiceHost controlPlane =
            ControlPlaneApp.start(
                new Settings(
                    Map.of(
                        "HOST", "127.0.0.1",
                        "GRPC_PORT", "0",
                        "ADMIN_PORT", "0",
                        "ATTACHE_RESOURCES_DIR", resources.toString(),
                        "ATTACHE_CONFIG_POLL_INTERVAL", "50ms")));
        ServiceHost rateLimit =
            RateLimitApp.start(
                new Settings(
                    Map.of(
                        "HOST", "127.0.0.1",
                        "GRPC_PORT", "0",
                        "PORT", "0",
                        "DEBUG_PORT", String.valueOf(FreePorts.next()),
                        "BACKEND_TYPE", "memory",
                        "CONFIG_TYPE", "GRPC_XDS_SOTW",
                        "CONFIG_GRPC_XDS_SERVER_URL", "127.0.0.1:" + controlPlane.grpcPort(),
                        "XDS_CLIENT_BACKOFF_INITIAL_INTERVAL", "100ms")),
                () -> 1_900_000_000L)) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  ServiceProbe.get("127.0.0.1", rateLimit.adminPort(), "/readyz").statusCode()
                      == 200);
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", rateLimit.grpcPort())
              .usePlaintext()
              .build();
      try {
        List<RateLimitResponse.Code> alice = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          alice.add(call(channel, "alice"));
        }
        // Written whole: the control plane's 50 ms poll never reads a half-written file.
        Path next = resources.resolve(".policy.yaml.next");
        Files.writeString(next, policy(5));
        Files.move(
            next,
            resources.resolve("policy.yaml"),
            java.nio.file.StandardCopyOption.ATOMIC_MOVE,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    RateLimitServiceGrpc.newBlockingStub(channel)
                            .shouldRateLimit(request("bob"))
                            .getStatuses(0)
                            .getCurrentLimit()
                            .getRequestsPerUnit()
                        == 5);

        assertThat(alice)
            .containsExactly(
                RateLimitResponse.Code.OK,
                RateLimitResponse.Code.OK,
                RateLimitResponse.Code.OVER_LIMIT);
        assertThat(call(channel, "alice"))
            .as("5 a minute now, 3 counted")
            .isEqualTo(RateLimitResponse.Code.OK);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static RateLimitRequest request(String user) {
    return RateLimitRequest.newBuilder()
        .setDomain("shop")
        .addDescriptors(
            RateLimitDescriptor.newBuilder()
                .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("user").setValue(user)))
        .build();
  }

  private static RateLimitResponse.Code call(ManagedChannel channel, String user) {
    return RateLimitServiceGrpc.newBlockingStub(channel)
        .shouldRateLimit(request(user))
        .getOverallCode();
  }
}
