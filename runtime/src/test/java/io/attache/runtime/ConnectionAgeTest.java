package io.attache.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.attache.runtime.host.ServiceHost;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code GRPC_MAX_CONNECTION_AGE} and {@code _GRACE}, as the reference rate-limit service has them
 * (envoyproxy/ratelimit {@code src/settings/settings.go}: 24h and 1h): a connection past its age is
 * sent a GOAWAY, and the client, a real grpc-java channel, leaves it and connects anew.
 */
class ConnectionAgeTest {

  @Test
  void theReferencesDefaultsApplyWhenNothingIsSet() {
    assertThat(ConnectionAge.fromSettings(new Settings(Map.of())))
        .isEqualTo(new ConnectionAge(Duration.ofHours(24), Duration.ofHours(1)));
  }

  @Test
  void aValueThatIsNotADurationIsASettingsProblemNamingTheVariable() {
    Settings settings = new Settings(Map.of("GRPC_MAX_CONNECTION_AGE", "a day"));
    ConnectionAge.fromSettings(settings);
    assertThatThrownBy(settings::validate)
        .hasMessageContaining("GRPC_MAX_CONNECTION_AGE=a day: not a duration");
  }

  @Test
  void aConnectionPastItsAgeIsToldToGoAwayAndTheClientConnectsAgain() {
    ServiceHost host =
        ServiceHost.builder("age-test")
            .host("127.0.0.1")
            .grpcPort(0)
            .adminPort(0)
            .connectionAge(new ConnectionAge(Duration.ofMillis(500), Duration.ofSeconds(5)))
            .start();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
    try {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
      assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
          .isEqualTo(ServingStatus.SERVING);
      List<ConnectivityState> states = new CopyOnWriteArrayList<>();
      watch(channel, ConnectivityState.READY, states);

      // The GOAWAY shuts the client's transport down: the channel leaves READY by itself, with no
      // call failing, about half a second (± a tenth) after connecting.
      await().atMost(Duration.ofSeconds(5)).until(() -> !states.isEmpty());
      assertThat(states.get(0)).isIn(ConnectivityState.IDLE, ConnectivityState.CONNECTING);

      assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
          .isEqualTo(ServingStatus.SERVING);
    } finally {
      channel.shutdownNow();
      host.close();
    }
  }

  private static void watch(
      ManagedChannel channel, ConnectivityState from, List<ConnectivityState> into) {
    channel.notifyWhenStateChanged(from, () -> into.add(channel.getState(false)));
  }
}
