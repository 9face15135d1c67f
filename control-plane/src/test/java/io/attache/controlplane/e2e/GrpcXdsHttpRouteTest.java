package io.attache.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.testsupport.ServiceProbe;
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
 * A Gateway API HTTPRoute attached to a Service (mesh, GAMMA) steers a real grpc-xds client: a
 * header match sends canary calls to v2, weights split the rest, and an invalid change to the route
 * leaves traffic on the last good config.
 */
class GrpcXdsHttpRouteTest {
  private static final Map<String, String> CANARY = Map.of("x-canary", "true");

  @TempDir Path resources;
  private CanaryMesh mesh;

  private static String route(int v1Weight, int v2Weight, String canaryValue) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: echo-canary, namespace: default}
        spec:
          parentRefs: [{group: "", kind: Service, name: echo, port: 8080}]
          rules:
            - matches: [{headers: [{type: RegularExpression, name: x-canary, value: "%s"}]}]
              backendRefs: [{name: echo-v2, port: 8080}]
            - backendRefs:
                - {name: echo, port: 8080, weight: %d}
                - {name: echo-v2, port: 8080, weight: %d}
        """
        .formatted(canaryValue, v1Weight, v2Weight);
  }

  @BeforeEach
  void start() throws Exception {
    Files.writeString(resources.resolve("route.yaml"), route(100, 0, "true"));
    mesh = CanaryMesh.start(resources, "grpc-xds-httproute-test", "echo.default:8080", Map.of());
  }

  @AfterEach
  void stop() throws Exception {
    if (mesh != null) {
      mesh.close();
    }
  }

  private void awaitCanaryRouting() {
    mesh.awaitCanaryRouting(CANARY);
  }

  @Test
  void aHeaderMatchSendsCanaryCallsToV2AndTheRestToV1() {
    awaitCanaryRouting();
  }

  @Test
  void changedWeightsMoveTraffic() throws Exception {
    awaitCanaryRouting();

    Files.writeString(resources.resolve("route.yaml"), route(0, 100, "true"));

    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(
            () -> {
              mesh.calls(10, Map.of());
              assertThat(mesh.v2.calls()).isEqualTo(10);
            });
  }

  @Test
  void anInvalidRouteLeavesTrafficOnTheLastGoodConfig() throws Exception {
    awaitCanaryRouting();

    // An unclosed character class: the whole change is refused, the previous route stays.
    Files.writeString(resources.resolve("route.yaml"), route(0, 100, "[tru"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ServiceProbe.get("127.0.0.1", mesh.controlPlane.adminPort(), "/resource-errors")
                    .body()
                    .contains(
                        "route.yaml (document 1) spec.rules[0].matches[0].headers[0].value: invalid regular expression"));

    mesh.calls(10, CANARY);
    assertThat(mesh.v2.calls()).isEqualTo(10);
    mesh.calls(10, Map.of());
    assertThat(mesh.v1.calls()).isEqualTo(10);
  }
}
