package io.attache.controlplane.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterStateTest {
  private static final ServiceState WEB =
      new ServiceState(
          "shop", "web", List.of(new ServicePort("http", 8080, ServicePort.Protocol.TCP)));
  private static final ClusterState STATE =
      new ClusterState(List.of(WEB), List.of(slice("10.0.0.1")));

  private static EndpointState slice(String address) {
    return new EndpointState(
        "shop",
        "web",
        List.of(new Endpoint(address, Map.of("http", 8080), true, Optional.empty())));
  }

  @Test
  void statesThatDifferInEndpointsOnlyAreEqualExceptEndpoints() {
    assertThat(STATE.withEndpoints(List.of(slice("10.0.0.2"))).equalsExceptEndpoints(STATE))
        .isTrue();
  }

  @Test
  void equalListsThatAreNotTheSameCompareByContent() {
    ClusterState rebuilt =
        new ClusterState(
            new ArrayList<>(List.of(new ServiceState("shop", "web", WEB.ports()))),
            List.of(slice("10.0.0.2")));

    assertThat(rebuilt.equalsExceptEndpoints(STATE)).isTrue();
  }

  @Test
  void anotherServiceIsMoreThanAnEndpointChange() {
    ClusterState more =
        new ClusterState(
            List.of(WEB, new ServiceState("shop", "api", WEB.ports())), STATE.endpoints());

    assertThat(more.equalsExceptEndpoints(STATE)).isFalse();
  }

  @Test
  void anotherGatewayIsMoreThanAnEndpointChange() {
    ClusterState withGateway =
        STATE.withGateways(List.of(new GatewayState("shop", "edge", 1, List.of())));

    assertThat(withGateway.equalsExceptEndpoints(STATE)).isFalse();
  }

  @Test
  void anotherTlsSecretIsMoreThanAnEndpointChange() {
    ClusterState withSecret =
        new ClusterState(
            STATE.services(),
            STATE.endpoints(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(new TlsSecret("shop", "cert", "chain", "key")));

    assertThat(withSecret.equalsExceptEndpoints(STATE)).isFalse();
  }

  @Test
  void endpointsByServiceMergesTheSlicesOfEachServiceInOrder() {
    ClusterState twoSlices = STATE.withEndpoints(List.of(slice("10.0.0.1"), slice("10.0.0.2")));

    assertThat(twoSlices.endpointsByService().get(WEB.key()))
        .isEqualTo(twoSlices.endpointsOf(WEB.key()));
  }
}
