package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.Endpoint;
import io.attache.controlplane.model.EndpointState;
import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServiceState;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Translating a state from the translation of the state before it when only Services changed: the
 * changed Services' own resources and the routes that name them are built again, everything else is
 * kept, and the result is always what a full translation gives.
 */
class ServiceChangeTranslationTest {
  private static final ClusterState BEFORE =
      ChangeFixture.parse(ChangeFixture.CLUSTER)
          .withEndpoints(
              List.of(
                  new EndpointState("shop", "web", List.of(endpoint("10.0.0.1"))),
                  new EndpointState("shop", "api", List.of(endpoint("10.0.1.1"))),
                  new EndpointState("shop", "extra", List.of(endpoint("10.0.2.1")))));

  private final Translator translator = ChangeFixture.translator();

  private static Endpoint endpoint(String address) {
    return new Endpoint(
        address, Map.of("http", 8080, "admin", 9090, "", 80, "extra", 81), true, Optional.empty());
  }

  private static ServiceState service(String name, ServicePort... ports) {
    return new ServiceState("shop", name, List.of(ports));
  }

  private static ServicePort tcp(String name, int port) {
    return new ServicePort(name, port, ServicePort.Protocol.TCP);
  }

  private static <T> T named(List<T> list, String name, java.util.function.Function<T, String> n) {
    return list.stream().filter(r -> n.apply(r).equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aServiceChangeKeepsWhatDoesNotNameIt() {
    XdsResources previous = translator.translate(BEFORE);
    List<ServiceState> services = new ArrayList<>(BEFORE.services());
    services.replaceAll(
        s -> s.name().equals("api") ? service("api", tcp("", 80), tcp("extra", 81)) : s);
    ClusterState after = BEFORE.withServices(services);

    XdsResources updated = translator.translate(after, BEFORE, previous);

    assertThat(updated).isEqualTo(translator.translate(after));
    assertThat(named(updated.clusters(), "shop/web:http", Cluster::getName))
        .isSameAs(named(previous.clusters(), "shop/web:http", Cluster::getName));
    assertThat(named(updated.routes(), "web.shop:9090", RouteConfiguration::getName))
        .isSameAs(named(previous.routes(), "web.shop:9090", RouteConfiguration::getName));
    assertThat(updated.clusters()).hasSize(previous.clusters().size() + 1);
  }

  /** Services removed, added back, added anew and given other ports: always the full result. */
  @ParameterizedTest(name = "proxyless hosts {0}")
  @ValueSource(booleans = {false, true})
  void anySequenceOfServiceChangesGivesWhatAFullTranslationGives(boolean proxylessHosts) {
    Translator translator = ChangeFixture.translator(proxylessHosts);
    Random random = new Random(11);
    List<String> names = List.of("web", "api", "extra");
    ClusterState state = BEFORE;
    XdsResources resources = translator.translate(state);
    for (int step = 0; step < 200; step++) {
      List<ServiceState> services = new ArrayList<>(state.services());
      String name = names.get(random.nextInt(names.size()));
      services.removeIf(s -> s.name().equals(name));
      if (random.nextInt(4) > 0) {
        List<ServicePort> ports = new ArrayList<>();
        for (String port : List.of("http", "admin", "", "extra")) {
          if (random.nextBoolean()) {
            ports.add(
                tcp(
                    port,
                    switch (port) {
                      case "http" -> 8080;
                      case "admin" -> 9090;
                      case "" -> 80;
                      default -> 81;
                    }));
          }
        }
        if (ports.isEmpty()
            || ports.stream().anyMatch(p -> p.name().isEmpty()) && ports.size() > 1) {
          ports = List.of(tcp("", 80));
        }
        services.add(
            random.nextInt(services.size() + 1), service(name, ports.toArray(ServicePort[]::new)));
      }
      ClusterState next = state.withServices(services);

      XdsResources updated = translator.translate(next, state, resources);

      assertThat(updated).as("step %d", step).isEqualTo(translator.translate(next));
      state = next;
      resources = updated;
    }
  }
}
