package io.attache.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Two real backends, {@code echo} (v1) and {@code echo-v2} (v2), each a Service in {@code default}
 * with one loopback endpoint; the real control plane serving {@code resources}; and a proxyless
 * grpc-xds client of one target. Write the routes into {@code resources} before {@link #start}.
 */
final class CanaryMesh implements AutoCloseable {
  final Backend v1;
  final Backend v2;
  final ServiceHost controlPlane;
  final XdsClient xds;

  private CanaryMesh(Backend v1, Backend v2, ServiceHost controlPlane, XdsClient xds) {
    this.v1 = v1;
    this.v2 = v2;
    this.controlPlane = controlPlane;
    this.xds = xds;
  }

  /**
   * @param settings the control plane's settings beyond those of {@link ControlPlanes}
   */
  static CanaryMesh start(
      Path resources, String nodeId, String target, Map<String, String> settings) throws Exception {
    int[] ports = FreePorts.next(2);
    Backend v1 = new Backend(ports[0]);
    Backend v2 = new Backend(ports[1]);
    Files.writeString(
        resources.resolve("services.yaml"),
        MeshManifests.service("echo")
            + MeshManifests.service("echo-v2")
            + MeshManifests.slice("echo", v1.port())
            + MeshManifests.slice("echo-v2", v2.port()));
    ServiceHost controlPlane = ControlPlanes.fromDirectory(resources, settings);
    return new CanaryMesh(
        v1, v2, controlPlane, new XdsClient(controlPlane.grpcPort(), nodeId, target));
  }

  /** Counts from zero, then makes {@code count} health checks with these headers. */
  void calls(int count, Map<String, String> headers) {
    v1.resetCalls();
    v2.resetCalls();
    for (int i = 0; i < count; i++) {
      xds.call(headers);
    }
  }

  /**
   * Waits until calls with {@code canary} headers all reach v2 and calls without them all reach v1.
   * On a cold, busy JVM the resolver's first LDS-to-EDS round may outlast a call's deadline.
   */
  void awaitCanaryRouting(Map<String, String> canary) {
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(
            () -> {
              calls(10, canary);
              assertThat(v2.calls()).isEqualTo(10);
              calls(10, Map.of());
              assertThat(v1.calls()).isEqualTo(10);
            });
  }

  @Override
  public void close() throws Exception {
    xds.close();
    controlPlane.close();
    v1.close();
    v2.close();
  }
}
