package io.attache.controlplane.source;

import io.attache.controlplane.xds.XdsServer;
import io.attache.events.EventSink;
import io.attache.testsupport.kubernetes.MockApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Optional;

/**
 * The control plane's Kubernetes source reading fabric8's mock API server (CRUD mode: no
 * kube-apiserver can run here) and publishing to a real xDS server, as the mock-API tests start and
 * stop it: Gateway API on, GatewayClass {@code attache}, a 10 ms debounce.
 */
record MockApiServing(XdsServer xds, KubernetesResources resources) {
  /** What the test serves beyond Services, EndpointSlices and Gateway API objects. */
  record Serving(
      Optional<String> statusLease,
      boolean trafficPolicies,
      boolean filterPolicies,
      boolean emissary) {
    static final Serving PLAIN = new Serving(Optional.empty(), false, false, false);

    Serving withStatusLease(String namespace) {
      return new Serving(Optional.of(namespace), trafficPolicies, filterPolicies, emissary);
    }
  }

  static MockApiServing start(KubernetesClient client, Serving serving, EventSink events) {
    XdsServer xds = new XdsServer(Duration.ofMillis(10), Duration.ofMillis(50));
    KubernetesResources resources =
        new KubernetesResources(
            client,
            new KubernetesResources.Options(
                Optional.empty(),
                Duration.ofMillis(10),
                true,
                "attache",
                serving.statusLease(),
                serving.trafficPolicies(),
                serving.filterPolicies(),
                serving.emissary()),
            xds.publisher()::publish,
            events);
    return new MockApiServing(xds, resources);
  }

  /**
   * Closes what {@code serving} started (null when the test started nothing), then the client, then
   * the mock server: its shutdown waits for open connections.
   */
  static void stop(MockApiServing serving, KubernetesClient client, MockApiServer api) {
    if (serving != null) {
      serving.resources().close();
      serving.xds().close();
    }
    client.close();
    api.stop();
  }
}
