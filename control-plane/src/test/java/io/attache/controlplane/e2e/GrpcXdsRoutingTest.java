package io.attache.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import io.attache.testsupport.ServiceProbe;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real grpc-xds client resolves {@code xds:///echo.default:8080} against our ADS server (LDS,
 * RDS, CDS, EDS) and sends real calls to real backends described as a Service and EndpointSlices.
 */
class GrpcXdsRoutingTest {
  private static final String SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: echo, namespace: default}
      spec:
        ports: [{name: grpc, port: 8080}]
      """;

  @TempDir Path resources;
  private Backend first;
  private Backend second;
  private ServiceHost controlPlane;
  private XdsClient xds;

  private static String slice(String name, int port, boolean ready) {
    return """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %s
          namespace: default
          labels: {kubernetes.io/service-name: echo}
        addressType: IPv4
        ports: [{name: grpc, port: %d}]
        endpoints:
          - addresses: ["127.0.0.1"]
            conditions: {ready: %s}
            zone: zone-a
        """
        .formatted(name, port, ready);
  }

  @BeforeEach
  void start() throws Exception {
    int[] ports = FreePorts.next(2);
    first = new Backend(ports[0]);
    second = new Backend(ports[1]);
    Files.writeString(resources.resolve("echo.yaml"), SERVICE);
    writeSlices(true, true);
    controlPlane = ControlPlanes.fromDirectory(resources);
    xds = new XdsClient(controlPlane.grpcPort(), "grpc-xds-routing-test", "echo.default:8080");
  }

  private void writeSlices(boolean firstReady, boolean secondReady) throws Exception {
    Files.writeString(
        resources.resolve("echo-slice-a.yaml"), slice("echo-a", first.port(), firstReady));
    Files.writeString(
        resources.resolve("echo-slice-b.yaml"), slice("echo-b", second.port(), secondReady));
  }

  @AfterEach
  void stop() throws Exception {
    if (xds != null) {
      xds.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    first.close();
    second.close();
  }

  @Test
  void callsReachEveryReadyBackend() {
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(
            () -> {
              xds.call();
              assertThat(first.calls()).isPositive();
              assertThat(second.calls()).isPositive();
            });
  }

  @Test
  void grpcXdsIsServedAsAProxylessClientOfItsCluster() {
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(() -> xds.call());

    // XdsClient's bootstrap says node.cluster "tests"; grpc-java says user_agent_name "gRPC Java".
    assertThat(
            ServiceProbe.get(
                    "127.0.0.1", controlPlane.adminPort(), "/config_dump?group=tests/proxyless")
                .body())
        .contains("\"echo.default:8080\"");
  }

  @Test
  void trafficLeavesABackendOnceItsEndpointIsNotReady() throws Exception {
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(
            () -> {
              xds.call();
              assertThat(second.calls()).isPositive();
            });

    writeSlices(true, false);

    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(
            () -> {
              second.resetCalls();
              first.resetCalls();
              for (int i = 0; i < 10; i++) {
                xds.call();
              }
              assertThat(second.calls()).isZero();
              assertThat(first.calls()).isEqualTo(10);
            });
  }

  @Test
  void trafficLeavesABackendWhoseSliceIsRemoved() throws Exception {
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(
            () -> {
              xds.call();
              assertThat(first.calls()).isPositive();
            });

    Files.delete(resources.resolve("echo-slice-a.yaml"));

    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(
            () -> {
              first.resetCalls();
              second.resetCalls();
              for (int i = 0; i < 10; i++) {
                xds.call();
              }
              assertThat(first.calls()).isZero();
              assertThat(second.calls()).isEqualTo(10);
            });
  }

  @Test
  void anInvalidFileKeepsTheLastGoodRouting() throws Exception {
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(
            () -> {
              xds.call();
              assertThat(first.calls()).isPositive();
              assertThat(second.calls()).isPositive();
            });

    Files.writeString(
        resources.resolve("echo-slice-b.yaml"),
        slice("echo-b", second.port(), false).replace("addressType: IPv4", "addressType: IPvX"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ServiceProbe.get("127.0.0.1", controlPlane.adminPort(), "/resource-errors")
                    .body()
                    .contains("addressType: must be IPv4, IPv6 or FQDN, was IPvX"));

    // Had the invalid file replaced the good one, echo-b would have no endpoint and this would
    // never hold; round robin may skip a subchannel that is reconnecting, so it is retried.
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(
            () -> {
              second.resetCalls();
              for (int i = 0; i < 20; i++) {
                xds.call();
              }
              assertThat(second.calls()).isPositive();
            });
  }
}
