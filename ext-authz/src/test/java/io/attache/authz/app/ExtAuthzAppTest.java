package io.attache.authz.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.runtime.InvalidSettingsException;
import io.attache.runtime.ServiceHost;
import io.attache.runtime.Settings;
import io.attache.testsupport.ServiceProbe;
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
  void aBadPortIsRejectedByName() {
    Settings settings = new Settings(Map.of("GRPC_PORT", "eighty"));

    assertThatThrownBy(() -> ExtAuthzApp.start(settings))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("GRPC_PORT=eighty: not a whole number");
  }
}
