package io.attache.bench.servers;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.app.ExtAuthzApp;
import io.attache.bench.scenario.Scenario;
import io.attache.ratelimit.app.RateLimitApp;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ext-authz scenario sends a Check the fixture policies allow: a benchmark of denials (a
 * cookie that does not open, a token the endpoint refuses) would measure something else, and the
 * load generator counts only transport errors.
 */
class FixturesTest {
  @TempDir Path dir;

  @Test
  void everyAuthzScenariosCheckIsAllowedByTheFixturePolicies() throws Exception {
    KeyPair keys = Fixtures.rsaKeys();
    try (IntrospectionEndpoint endpoint = IntrospectionEndpoint.start()) {
      Fixtures.write(dir, keys, endpoint.url());
      try (ServiceHost host =
          ExtAuthzApp.start(
              new Settings(
                  Map.of(
                      "HOST", "127.0.0.1",
                      "GRPC_PORT", "0",
                      "ADMIN_PORT", "0",
                      "HTTP_PORT", "0",
                      "ATTACHE_POLICY_DIR", dir.resolve("policies").toString())))) {
        ManagedChannel channel =
            ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
        try {
          for (Scenario scenario : Scenario.values()) {
            if (scenario.real().argument().startsWith("authz")) {
              CheckResponse answer =
                  (CheckResponse) scenario.call(keys).send(channel, 0).get(10, TimeUnit.SECONDS);
              assertThat(answer.getStatus().getCode()).as(scenario.argument()).isZero();
            }
          }
          assertThat(endpoint.calls()).isEqualTo(1);
        } finally {
          channel.shutdownNow();
        }
      }
    }
  }

  /**
   * The token-bucket and sliding-window scenarios' requests match their limits (not "no limit") and
   * pass.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(
      names = {"RATELIMIT_MEMORY_TOKEN_BUCKET", "RATELIMIT_MEMORY_SLIDING_WINDOW"})
  void theJudgedDomainsLimitTheRateLimitScenariosRequests(Scenario scenario) throws Exception {
    KeyPair keys = Fixtures.rsaKeys();
    Fixtures.write(dir, keys);
    try (ServiceHost host =
        RateLimitApp.start(
            new Settings(
                Map.of(
                    "HOST", "127.0.0.1",
                    "GRPC_PORT", "0",
                    "PORT", "0",
                    "DEBUG_PORT", "0",
                    "BACKEND_TYPE", "memory",
                    "RUNTIME_ROOT", dir.resolve("ratelimit").toString())),
            () -> System.currentTimeMillis() / 1000)) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
      try {
        RateLimitResponse answer =
            (RateLimitResponse) scenario.call(keys).send(channel, 0).get(10, TimeUnit.SECONDS);

        assertThat(answer.getOverallCode()).isEqualTo(RateLimitResponse.Code.OK);
        assertThat(answer.getStatusesList())
            .allSatisfy(s -> assertThat(s.hasCurrentLimit()).isTrue());
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
