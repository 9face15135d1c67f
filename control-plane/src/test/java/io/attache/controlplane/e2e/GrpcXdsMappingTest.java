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
 * Issue #26: a real grpc-xds client routed through Emissary Mappings. With {@code
 * ATTACHE_PROXYLESS_HOSTS=true} the client dials the Mappings' host on Emissary's HTTP port ({@code
 * xds:///grpc.example.com:8080}); a header Mapping sends canary calls to v2, the prefix Mapping the
 * rest to v1, and an edit of the Mappings moves the traffic.
 */
class GrpcXdsMappingTest {
  private static final Map<String, String> CANARY = Map.of("x-canary", "true");

  @TempDir Path resources;
  private CanaryMesh mesh;

  /** Emissary's gRPC guide: a Mapping per service prefix, with the rewrite turned off. */
  private static String mappings(String mainService) {
    return """
        apiVersion: getambassador.io/v3alpha1
        kind: Host
        metadata: {name: grpc, namespace: default}
        spec:
          hostname: grpc.example.com
          requestPolicy: {insecure: {action: Route}}
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        metadata: {name: health, namespace: default}
        spec:
          hostname: grpc.example.com
          prefix: /grpc.health.v1.Health/
          rewrite: ""
          service: %s.default:8080
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        metadata: {name: health-canary, namespace: default}
        spec:
          hostname: grpc.example.com
          prefix: /grpc.health.v1.Health/
          rewrite: ""
          headers: {x-canary: "true"}
          service: echo-v2.default:8080
        """
        .formatted(mainService);
  }

  @BeforeEach
  void start() throws Exception {
    Files.writeString(resources.resolve("mappings.yaml"), mappings("echo"));
    mesh =
        CanaryMesh.start(
            resources,
            "grpc-xds-mapping-test",
            "grpc.example.com:8080",
            Map.of("ATTACHE_PROXYLESS_HOSTS", "true"));
  }

  @AfterEach
  void stop() throws Exception {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void theMappingsRouteAProxylessClientAndAnEditMovesItsCalls() throws Exception {
    mesh.awaitCanaryRouting(CANARY);
    assertThat(
            ServiceProbe.get(
                    "127.0.0.1",
                    mesh.controlPlane.adminPort(),
                    "/config_dump?group=tests/proxyless")
                .body())
        .contains("\"grpc.example.com:8080\"");

    Files.writeString(resources.resolve("mappings.yaml"), mappings("echo-v2"));

    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(
            () -> {
              mesh.calls(10, Map.of());
              assertThat(mesh.v2.calls()).isEqualTo(10);
            });
  }
}
