package io.attache.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
  private CanaryMesh mesh;

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
    Files.writeString(resources.resolve("route.yaml"), route("echo-v2"));
    mesh = CanaryMesh.start(resources, "grpc-xds-grpcroute-test", "echo.default:8080", Map.of());
  }

  @AfterEach
  void stop() throws Exception {
    if (mesh != null) {
      mesh.close();
    }
  }

  private void awaitRoutingByMethod() {
    // On a cold, busy JVM the resolver's first LDS-to-EDS round may outlast a call's deadline.
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(
            () -> {
              mesh.v1.resetCalls();
              mesh.v2.resetCalls();
              for (int i = 0; i < 5; i++) {
                mesh.xds.call();
              }
              assertThat(mesh.v2.calls()).isEqualTo(5);
              assertThat(mesh.v1.calls()).isZero();
              for (int i = 0; i < 5; i++) {
                mesh.xds.watchOnce();
              }
              assertThat(mesh.v1.calls()).isEqualTo(5);
              assertThat(mesh.v2.calls()).isEqualTo(5);
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
                assertThatThrownBy(mesh.xds::call)
                    .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e ->
                            assertThat(e.getStatus().getCode())
                                .isEqualTo(Status.Code.UNAVAILABLE)));
    mesh.v1.resetCalls();
    mesh.xds.watchOnce();
    assertThat(mesh.v1.calls()).isEqualTo(1);
  }
}
