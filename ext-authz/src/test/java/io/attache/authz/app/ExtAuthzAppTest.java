package io.attache.authz.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.authz.grpc.EnvoyChecks;
import io.attache.runtime.InvalidSettingsException;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.ServiceProbe;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExtAuthzAppTest {

  @Test
  void startsFromSettingsAndAnswersHealthOverGrpcAndHttp() {
    Settings settings =
        new Settings(
            Map.of("HOST", "127.0.0.1", "GRPC_PORT", "0", "ADMIN_PORT", "0", "HTTP_PORT", "0"));
    try (ServiceHost host = ExtAuthzApp.start(settings)) {
      assertThat(ServiceProbe.grpcHealth("127.0.0.1", host.grpcPort())).isEqualTo("SERVING");
      assertThat(ServiceProbe.get("127.0.0.1", host.adminPort(), "/healthz").statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void everyCheckIsTimedInTheAdminMetricsWithMicrosecondBuckets() {
    assertThat(metricsAfterOneCheck())
        .contains("attache_authz_check_seconds_count 1")
        .contains("attache_authz_check_seconds_bucket{le=\"1.0E-6\"}");
  }

  @Test
  void everyDecisionIsCountedByPolicyDecisionAndReason() {
    // No policy directory: the check matches no policy and the default decision denies it.
    assertThat(metricsAfterOneCheck())
        .contains(
            "attache_authz_decisions_total{decision=\"deny\",policy=\"none\",reason=\"no_policy\"}"
                + " 1.0");
  }

  private static String metricsAfterOneCheck() {
    Settings settings =
        new Settings(
            Map.of("HOST", "127.0.0.1", "GRPC_PORT", "0", "ADMIN_PORT", "0", "HTTP_PORT", "0"));
    try (ServiceHost host = ExtAuthzApp.start(settings)) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
      try {
        AuthorizationGrpc.newBlockingStub(channel)
            .check(EnvoyChecks.envoyCheck("GET", "shop.example.com", "/orders", Map.of()));
      } finally {
        channel.shutdownNow();
      }
      return ServiceProbe.get("127.0.0.1", host.adminPort(), "/metrics").body();
    }
  }

  @Test
  void aBadPortIsRejectedByName() {
    Settings settings = new Settings(Map.of("GRPC_PORT", "eighty"));

    assertThatThrownBy(() -> ExtAuthzApp.start(settings))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("GRPC_PORT=eighty: not a whole number");
  }

  @Test
  void aConnectionAgeThatIsNotADurationIsRejectedByName() {
    Settings settings = new Settings(Map.of("GRPC_MAX_CONNECTION_AGE_GRACE", "an hour"));

    assertThatThrownBy(() -> ExtAuthzApp.start(settings))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("GRPC_MAX_CONNECTION_AGE_GRACE=an hour: not a duration");
  }
}
