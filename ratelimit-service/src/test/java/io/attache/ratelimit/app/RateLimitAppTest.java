package io.attache.ratelimit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.runtime.InvalidSettingsException;
import io.attache.runtime.ServiceHost;
import io.attache.runtime.Settings;
import io.attache.testsupport.ServiceProbe;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
