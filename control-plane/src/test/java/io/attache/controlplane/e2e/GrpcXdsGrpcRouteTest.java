package io.attache.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GRPCRoute attached to a Service (mesh, GAMMA) steers a real grpc-xds client by method: the
 * health service's Check goes where an exact service/method match says, its Watch where a regular
 * expression on the method does, and a method whose backend does not exist fails UNAVAILABLE, as
 * gateway-api apis/v1/grpcroute_types.go (GRPCRouteRule.backendRefs) asks.
 */
class GrpcXdsGrpcRouteTest {
  @TempDir Path resources;
  private Backend v1;
  private Backend v2;
  private ServiceHost controlPlane;
  private XdsClient xds;

  private static String route(String checkBackend) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: health, namespace: default}
        spec:
          parentRefs: [{group: "", kind: Service, name: echo, port: 8080}]
          rules:
            - matches: [{method: {service: grpc.health.v1.Health, method: Check}}]
              backendRefs: [{name: %s, port: 8080}]
            - matches:
                - method: {type: RegularExpression, service: "grpc\\\\.health\\\\..+", method: "W.*"}
              backendRefs: [{name: echo, port: 8080}]
        """
        .formatted(checkBackend);
  }

  @BeforeEach
  void start() throws Exception {
    int[] ports = FreePorts.next(2);
    v1 = new Backend(ports[0]);
    v2 = new Backend(ports[1]);
    Files.writeString(
        resources.resolve("services.yaml"),
        MeshManifests.service("echo")
            + MeshManifests.service("echo-v2")
            + MeshManifests.slice("echo", v1.port())
            + MeshManifests.slice("echo-v2", v2.port()));
    Files.writeString(resources.resolve("route.yaml"), route("echo-v2"));
    controlPlane = ControlPlanes.fromDirectory(resources);
    xds = new XdsClient(controlPlane.grpcPort(), "grpc-xds-grpcroute-test", "echo.default:8080");
  }

  @AfterEach
  void stop() throws Exception {
    if (xds != null) {
      xds.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    v1.close();
    v2.close();
  }

  private void awaitRoutingByMethod() {
    // On a cold, busy JVM the resolver's first LDS-to-EDS round may outlast a call's deadline.
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(
            () -> {
              v1.resetCalls();
              v2.resetCalls();
              for (int i = 0; i < 5; i++) {
                xds.call();
              }
              assertThat(v2.calls()).isEqualTo(5);
              assertThat(v1.calls()).isZero();
              for (int i = 0; i < 5; i++) {
                xds.watchOnce();
              }
              assertThat(v1.calls()).isEqualTo(5);
              assertThat(v2.calls()).isEqualTo(5);
            });
  }

  @Test
  void eachMethodGoesWhereItsMatchSays() {
    awaitRoutingByMethod();
  }

  @Test
  void aMethodWhoseBackendDoesNotExistFailsUnavailable() throws Exception {
    awaitRoutingByMethod();

    Files.writeString(resources.resolve("route.yaml"), route("nowhere"));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThatThrownBy(xds::call)
                    .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e ->
                            assertThat(e.getStatus().getCode())
                                .isEqualTo(Status.Code.UNAVAILABLE)));
    v1.resetCalls();
    xds.watchOnce();
    assertThat(v1.calls()).isEqualTo(1);
  }
}
