package io.attache.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.controlplane.app.ControlPlaneApp;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import io.attache.testsupport.kubernetes.MockApiServer;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real grpc-xds client routes real calls to real backends described by a Service and
 * EndpointSlices in the Kubernetes API (fabric8's mock API server in CRUD mode, as no
 * kube-apiserver can run here), and follows an EndpointSlice update.
 */
class GrpcXdsKubernetesTest {
  // Not @EnableKubernetesMockClient: the control plane watches and writes status (MockApiServer).
  private final MockApiServer api = MockApiServer.start();
  private final KubernetesClient client = api.newClient();

  private Backend first;
  private Backend second;
  private ServiceHost controlPlane;
  private XdsClient xds;

  private static EndpointSlice slice(int port) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace("default")
        .withName("echo-a")
        .addToLabels("kubernetes.io/service-name", "echo")
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName("grpc")
        .withPort(port)
        .endPort()
        .addNewEndpoint()
        .withAddresses("127.0.0.1")
        .endEndpoint()
        .build();
  }

  @BeforeEach
  void start() throws Exception {
    int[] ports = FreePorts.next(2);
    first = new Backend(ports[0]);
    second = new Backend(ports[1]);
    client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withNamespace("default")
                .withName("echo")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("grpc")
                .withPort(8080)
                .endPort()
                .endSpec()
                .build())
        .create();
    client.resource(slice(first.port())).create();
    controlPlane =
        ControlPlaneApp.start(
            new Settings(Map.of("HOST", "127.0.0.1", "GRPC_PORT", "0", "ADMIN_PORT", "0")),
            Optional.of(client));
    xds = new XdsClient(controlPlane.grpcPort(), "grpc-xds-kubernetes-test", "echo.default:8080");
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
    client.close();
    api.stop();
  }

  @Test
  void callsFollowTheEndpointSliceInTheApi() {
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(
            () -> {
              xds.call();
              assertThat(first.calls()).isPositive();
            });

    client.resource(slice(second.port())).update();

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
}
