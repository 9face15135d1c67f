package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.Endpoint;
import io.attache.controlplane.model.EndpointState;
import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServicePort.Protocol;
import io.attache.controlplane.model.ServiceState;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TranslatorTest {
  private static final ServiceState ECHO =
      new ServiceState("default", "echo", List.of(new ServicePort("grpc", 8080, Protocol.TCP)));

  private final Translator translator = new Translator();

  private static Endpoint endpoint(String address, boolean ready, String zone) {
    return new Endpoint(address, Map.of("grpc", 9000), ready, Optional.of(zone));
  }

  private static List<String> addresses(ClusterLoadAssignment assignment) {
    List<String> addresses = new ArrayList<>();
    for (LocalityLbEndpoints locality : assignment.getEndpointsList()) {
      for (LbEndpoint endpoint : locality.getLbEndpointsList()) {
        addresses.add(endpoint.getEndpoint().getAddress().getSocketAddress().getAddress());
      }
    }
    return addresses;
  }

  @Test
  void onlyReadyEndpointsAreAssigned() {
    ClusterState state =
        new ClusterState(
            List.of(ECHO),
            List.of(
                new EndpointState(
                    "default",
                    "echo",
                    List.of(endpoint("10.0.0.1", true, "a"), endpoint("10.0.0.2", false, "a")))));

    XdsResources resources = translator.translate(state);

    assertThat(addresses(resources.loadAssignments().get(0))).containsExactly("10.0.0.1");
  }

  @Test
  void eachZoneIsALocalityWeightedByItsReadyEndpoints() {
    ClusterState state =
        new ClusterState(
            List.of(ECHO),
            List.of(
                new EndpointState(
                    "default",
                    "echo",
                    List.of(
                        endpoint("10.0.0.1", true, "a"),
                        endpoint("10.0.0.2", true, "a"),
                        endpoint("10.0.0.3", false, "a"),
                        endpoint("10.0.1.1", true, "b"),
                        endpoint("10.0.2.1", false, "c")))));

    List<LocalityLbEndpoints> localities =
        translator.translate(state).loadAssignments().get(0).getEndpointsList();

    assertThat(localities)
        .extracting(l -> l.getLocality().getZone() + "=" + l.getLoadBalancingWeight().getValue())
        .containsExactly("a=2", "b=1");
  }

  @Test
  void clustersAreNamedByPortNameOrNumberAndListenersByHostAndPort() {
    ServiceState service =
        new ServiceState(
            "shop",
            "cart",
            List.of(
                new ServicePort("http", 80, Protocol.TCP),
                new ServicePort("", 9090, Protocol.TCP)));

    XdsResources resources = translator.translate(new ClusterState(List.of(service), List.of()));

    assertThat(resources.clusters())
        .extracting(Cluster::getName)
        .containsExactly("shop/cart:9090", "shop/cart:http");
    assertThat(resources.listeners())
        .extracting(Listener::getName)
        .containsExactly("cart.shop:80", "cart.shop:9090");
  }

  @Test
  void udpPortsGetNoResources() {
    ServiceState dns =
        new ServiceState("kube-system", "dns", List.of(new ServicePort("dns", 53, Protocol.UDP)));

    XdsResources resources = translator.translate(new ClusterState(List.of(dns), List.of()));

    assertThat(resources.clusters()).isEmpty();
  }

  @Test
  void clustersAreEdsOverAds() {
    Cluster cluster =
        translator.translate(new ClusterState(List.of(ECHO), List.of())).clusters().get(0);

    assertThat(cluster.getType()).isEqualTo(DiscoveryType.EDS);
    assertThat(cluster.getEdsClusterConfig().getEdsConfig().hasAds()).isTrue();
  }

  @Test
  void listenerFetchesRoutesOverAdsAndEndsWithTheRouter() throws Exception {
    XdsResources resources = translator.translate(new ClusterState(List.of(ECHO), List.of()));
    HttpConnectionManager manager =
        resources
            .listeners()
            .get(0)
            .getApiListener()
            .getApiListener()
            .unpack(HttpConnectionManager.class);
    RouteConfiguration routes = resources.routes().get(0);

    assertThat(manager.getRds().getRouteConfigName()).isEqualTo("echo.default:8080");
    // XdsResources.withoutApiListeners finds an API listener's routes by the listener's name.
    assertThat(resources.listeners().get(0).getName()).isEqualTo("echo.default:8080");
    assertThat(manager.getRds().getConfigSource().hasAds()).isTrue();
    assertThat(manager.getHttpFiltersList().get(manager.getHttpFiltersCount() - 1).getName())
        .isEqualTo("envoy.filters.http.router");
    assertThat(routes.getName()).isEqualTo("echo.default:8080");
    assertThat(routes.getVirtualHosts(0).getDomainsList()).containsExactly("*");
    assertThat(routes.getVirtualHosts(0).getRoutes(0).getRoute().getCluster())
        .isEqualTo("default/echo:grpc");
  }

  @Test
  void slicesOfOneServiceAreMerged() {
    ClusterState state =
        new ClusterState(
            List.of(ECHO),
            List.of(
                new EndpointState("default", "echo", List.of(endpoint("10.0.0.1", true, "a"))),
                new EndpointState("default", "other", List.of(endpoint("10.9.9.9", true, "a"))),
                new EndpointState("default", "echo", List.of(endpoint("10.0.0.2", true, "a")))));

    assertThat(addresses(translator.translate(state).loadAssignments().get(0)))
        .containsExactly("10.0.0.1", "10.0.0.2");
  }

  @Test
  void anEndpointInTwoSlicesCountsOnce() {
    EndpointState slice =
        new EndpointState("default", "echo", List.of(endpoint("10.0.0.1", true, "a")));
    ClusterState state = new ClusterState(List.of(ECHO), List.of(slice, slice));

    LocalityLbEndpoints locality =
        translator.translate(state).loadAssignments().get(0).getEndpoints(0);

    assertThat(locality.getLoadBalancingWeight().getValue()).isEqualTo(1);
  }

  @Test
  void endpointsUseThePortNamedLikeTheServicePort() {
    Endpoint both =
        new Endpoint("10.0.0.1", Map.of("grpc", 9000, "metrics", 9100), true, Optional.empty());
    ClusterState state =
        new ClusterState(
            List.of(ECHO), List.of(new EndpointState("default", "echo", List.of(both))));

    LbEndpoint endpoint =
        translator.translate(state).loadAssignments().get(0).getEndpoints(0).getLbEndpoints(0);

    assertThat(endpoint.getEndpoint().getAddress().getSocketAddress().getPortValue())
        .isEqualTo(9000);
  }

  @Test
  void sameStateInAnyOrderGivesEqualResourcesAndVersions() {
    ServiceState other =
        new ServiceState("default", "other", List.of(new ServicePort("", 80, Protocol.TCP)));
    List<Endpoint> endpoints =
        List.of(
            endpoint("10.0.0.2", true, "b"),
            endpoint("10.0.0.1", true, "a"),
            endpoint("10.0.0.3", true, "a"));
    List<Endpoint> shuffled = new ArrayList<>(endpoints);
    Collections.reverse(shuffled);

    XdsResources first =
        translator.translate(
            new ClusterState(
                List.of(ECHO, other), List.of(new EndpointState("default", "echo", endpoints))));
    XdsResources second =
        translator.translate(
            new ClusterState(
                List.of(other, ECHO), List.of(new EndpointState("default", "echo", shuffled))));

    assertThat(second).isEqualTo(first);
    assertThat(second.loadAssignmentsVersion()).isEqualTo(first.loadAssignmentsVersion());
    assertThat(second.clustersVersion()).isEqualTo(first.clustersVersion());
  }

  @Test
  void anEndpointChangeChangesOnlyTheEndpointVersion() {
    XdsResources before =
        translator.translate(
            new ClusterState(
                List.of(ECHO),
                List.of(
                    new EndpointState(
                        "default", "echo", List.of(endpoint("10.0.0.1", true, "a"))))));
    XdsResources after =
        translator.translate(
            new ClusterState(
                List.of(ECHO),
                List.of(
                    new EndpointState(
                        "default", "echo", List.of(endpoint("10.0.0.1", false, "a"))))));

    assertThat(after.loadAssignmentsVersion()).isNotEqualTo(before.loadAssignmentsVersion());
    assertThat(after.clustersVersion()).isEqualTo(before.clustersVersion());
    assertThat(after.listenersVersion()).isEqualTo(before.listenersVersion());
    assertThat(after.routesVersion()).isEqualTo(before.routesVersion());
  }
}
