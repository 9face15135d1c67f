package io.attache.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.ServiceProbe;
import io.attache.testsupport.kubernetes.MockApiServer;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The app reads the Kubernetes API when given a client (fabric8's mock API server, CRUD mode). */
class ControlPlaneAppKubernetesTest {
  // Not @EnableKubernetesMockClient: the control plane watches and writes status (MockApiServer).
  private final MockApiServer api = MockApiServer.start();
  private final KubernetesClient client = api.newClient();

  @AfterEach
  void stop() {
    client.close();
    api.stop();
  }

  @Test
  void aClientMakesKubernetesTheSourceAndItsInvalidObjectsAreListed() {
    client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName("cart")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withPort(0)
                .endPort()
                .endSpec()
                .build())
        .create();
    Settings settings =
        new Settings(Map.of("HOST", "127.0.0.1", "GRPC_PORT", "0", "ADMIN_PORT", "0"));

    try (ServiceHost host = ControlPlaneApp.start(settings, Optional.of(client))) {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          ServiceProbe.get("127.0.0.1", host.adminPort(), "/resource-errors")
                              .body())
                      .isEqualTo(
                          "Service shop/cart spec.ports[0].port: must be between 1 and 65535,"
                              + " was 0\n"));
      assertThat(ServiceProbe.get("127.0.0.1", host.adminPort(), "/readyz").statusCode())
          .isEqualTo(200);
    }
  }
}
