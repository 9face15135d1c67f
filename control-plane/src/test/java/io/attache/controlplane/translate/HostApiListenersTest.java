package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import org.junit.jupiter.api.Test;

/**
 * The Gateways' hosts as proxyless gRPC clients dial them ({@code ATTACHE_PROXYLESS_HOSTS}): one
 * API listener per exact hostname and port, with that virtual host's rules as an API listener takes
 * them; none for wildcards, none taking a Service's own name, none at all unless turned on, and
 * never sent to Envoy.
 */
class HostApiListenersTest {
  private static final ClusterState STATE =
      ChangeFixture.parse(
          ChangeFixture.CLUSTER
              + """
              ---
              apiVersion: gateway.networking.k8s.io/v1
              kind: HTTPRoute
              metadata: {name: moved, namespace: shop, creationTimestamp: "2026-01-05T00:00:00Z"}
              spec:
                parentRefs: [{name: edge, sectionName: web}]
                hostnames: [old.example.com]
                rules:
                  - filters: [{type: RequestRedirect, requestRedirect: {hostname: new.example.com}}]
              """);

  private static RouteConfiguration routes(XdsResources resources, String name) {
    return resources.routes().stream()
        .filter(r -> r.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void eachExactHostnameOfAGatewayPortIsAnApiListener() {
    XdsResources resources = ChangeFixture.translator(true).translate(STATE);

    assertThat(resources.listeners())
        .extracting(Listener::getName)
        .contains(
            "store.example.com:8000",
            "a.shop.example.com:8001",
            "h1.shop.example.com:9000",
            "old.example.com:8000")
        .noneMatch(name -> name.startsWith("*"));
    Listener store =
        resources.listeners().stream()
            .filter(l -> l.getName().equals("store.example.com:8000"))
            .findFirst()
            .orElseThrow();
    assertThat(store.hasApiListener()).isTrue();
    // The rules of the Gateway's virtual host for the name, in its order.
    RouteConfiguration store8000 = routes(resources, "store.example.com:8000");
    assertThat(store8000.getVirtualHosts(0).getDomainsList()).containsExactly("*");
    assertThat(store8000.getVirtualHosts(0).getRoutesList())
        .extracting(Route::getMatch)
        .containsExactlyElementsOf(
            routes(resources, "shop/edge:8000").getVirtualHostsList().stream()
                .filter(h -> h.getName().equals("shop/edge:8000/store.example.com"))
                .findFirst()
                .orElseThrow()
                .getRoutesList()
                .stream()
                .map(Route::getMatch)
                .toList());
    assertThat(store8000.getVirtualHosts(0).getRoutesList()).hasSize(3);
    // No filter of Envoy's listener: a proxyless client would refuse what it does not know.
    assertThat(store8000.getVirtualHosts(0).getRoutesList())
        .allMatch(r -> r.getTypedPerFilterConfigMap().isEmpty());
  }

  /** grpc-java refuses a RouteConfiguration with a redirect ("unknown action type"). */
  @Test
  void aRedirectFailsTheCallRatherThanTheRouteConfiguration() {
    XdsResources resources = ChangeFixture.translator(true).translate(STATE);

    Route moved = routes(resources, "old.example.com:8000").getVirtualHosts(0).getRoutes(0);
    assertThat(moved.hasRedirect()).isFalse();
    assertThat(moved.getRoute().getCluster()).isEqualTo(EnvoyRoutes.UNRESOLVED_BACKEND);
  }

  @Test
  void aServicesOwnNameStaysTheServices() {
    XdsResources resources = ChangeFixture.translator(true).translate(STATE);

    // The route like-a-service has hostname api.shop on port 80, the API listener name of the
    // Service api's port 80: the Service keeps it, all its calls to its own cluster.
    assertThat(resources.listeners()).extracting(Listener::getName).containsOnlyOnce("api.shop:80");
    assertThat(
            routes(resources, "api.shop:80")
                .getVirtualHosts(0)
                .getRoutes(0)
                .getRoute()
                .getCluster())
        .isEqualTo("shop/api:80");
  }

  @Test
  void offByDefaultAndNeverSentToEnvoy() {
    XdsResources off = ChangeFixture.translator().translate(STATE);
    XdsResources on = ChangeFixture.translator(true).translate(STATE);

    assertThat(off.listeners())
        .extracting(Listener::getName)
        .doesNotContain("store.example.com:8000");
    assertThat(on.withoutApiListeners()).isEqualTo(off.withoutApiListeners());
  }
}
