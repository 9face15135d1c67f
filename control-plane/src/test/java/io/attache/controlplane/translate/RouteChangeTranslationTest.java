package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.HttpRouteState;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Translating a state from the translation of the state before it when only HTTPRoutes changed:
 * only the routes (and Gateway listeners) of the changed routes' parents are built again, and the
 * result is always what a full translation gives.
 */
class RouteChangeTranslationTest {
  private static final ClusterState BEFORE = ChangeFixture.parse(ChangeFixture.CLUSTER);

  private final Translator translator = ChangeFixture.translator();

  private static HttpRouteState route(ClusterState state, String name) {
    return state.httpRoutes().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }

  private static HttpRouteState withHostnames(HttpRouteState route, List<String> hostnames) {
    return new HttpRouteState(
        route.namespace(),
        route.name(),
        route.generation() + 1,
        route.created(),
        route.parents(),
        hostnames,
        route.rules());
  }

  private static ClusterState replacing(ClusterState state, HttpRouteState changed) {
    List<HttpRouteState> routes = new ArrayList<>(state.httpRoutes());
    routes.replaceAll(r -> r.key().equals(changed.key()) ? changed : r);
    return state.withHttpRoutes(routes);
  }

  private static RouteConfiguration routes(XdsResources resources, String name) {
    return resources.routes().stream()
        .filter(r -> r.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aRouteChangeRebuildsOnlyItsParentsRoutes() {
    XdsResources previous = translator.translate(BEFORE);
    ClusterState after =
        replacing(BEFORE, withHostnames(route(BEFORE, "api"), List.of("api.example.com")));

    XdsResources updated = translator.translate(after, BEFORE, previous);

    assertThat(updated).isEqualTo(translator.translate(after));
    assertThat(updated.clusters()).isSameAs(previous.clusters());
    assertThat(updated.loadAssignments()).isSameAs(previous.loadAssignments());
    assertThat(updated.secrets()).isSameAs(previous.secrets());
    assertThat(routes(updated, "shop/side:9000")).isNotEqualTo(routes(previous, "shop/side:9000"));
    for (String untouched : List.of("shop/edge:8000", "shop/edge:8001", "web.shop:8080")) {
      assertThat(routes(updated, untouched)).isSameAs(routes(previous, untouched));
    }
  }

  private static io.envoyproxy.envoy.config.route.v3.VirtualHost virtualHost(
      XdsResources resources, String routes, String host) {
    return routes(resources, routes).getVirtualHostsList().stream()
        .filter(h -> h.getName().equals(routes + "/" + host))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aRouteChangeKeepsTheVirtualHostsItHasNoRulesIn() {
    XdsResources previous = translator.translate(BEFORE);
    ClusterState after =
        replacing(BEFORE, withHostnames(route(BEFORE, "admin"), List.of("admin.shop.example.com")));

    XdsResources updated = translator.translate(after, BEFORE, previous);

    assertThat(updated).isEqualTo(translator.translate(after));
    assertThat(virtualHost(updated, "shop/edge:8000", "a.shop.example.com"))
        .isSameAs(virtualHost(previous, "shop/edge:8000", "a.shop.example.com"));
    assertThat(virtualHost(updated, "shop/edge:8000", "store.example.com"))
        .isNotEqualTo(virtualHost(previous, "shop/edge:8000", "store.example.com"));
  }

  @Test
  void aRouteMovingBetweenGatewaysRebuildsBoth() {
    XdsResources previous = translator.translate(BEFORE);
    HttpRouteState admin = route(BEFORE, "admin");
    HttpRouteState moved =
        new HttpRouteState(
            admin.namespace(),
            admin.name(),
            admin.generation() + 1,
            admin.created(),
            route(BEFORE, "api").parents(),
            admin.hostnames(),
            admin.rules());
    ClusterState after = replacing(BEFORE, moved);

    XdsResources updated = translator.translate(after, BEFORE, previous);

    assertThat(updated).isEqualTo(translator.translate(after));
    assertThat(routes(updated, "shop/edge:8000")).isNotEqualTo(routes(previous, "shop/edge:8000"));
    assertThat(routes(updated, "shop/side:9000")).isNotEqualTo(routes(previous, "shop/side:9000"));
  }

  @Test
  void removingTheOnlyAuthorizedRouteIsTranslatedInFull() {
    XdsResources previous = translator.translate(BEFORE);
    List<HttpRouteState> withoutStore = new ArrayList<>(BEFORE.httpRoutes());
    withoutStore.removeIf(r -> r.name().equals("store"));
    ClusterState after = BEFORE.withHttpRoutes(withoutStore);

    XdsResources updated = translator.translate(after, BEFORE, previous);

    assertThat(updated).isEqualTo(translator.translate(after));
    assertThat(updated.clusters()).hasSize(previous.clusters().size() - 1);
  }

  @Test
  void aPolicyTargetWithoutParentsStillTurnsTheFiltersOnOrOff() {
    HttpRouteState store = route(BEFORE, "store");
    HttpRouteState orphan =
        new HttpRouteState(
            store.namespace(),
            store.name(),
            store.generation() + 1,
            store.created(),
            List.of(),
            store.hostnames(),
            store.rules());
    List<HttpRouteState> withoutStore = new ArrayList<>(BEFORE.httpRoutes());
    withoutStore.removeIf(r -> r.name().equals("store"));
    ClusterState noTarget = BEFORE.withHttpRoutes(withoutStore);
    List<HttpRouteState> withOrphan = new ArrayList<>(withoutStore);
    withOrphan.add(orphan);
    ClusterState orphanTarget = BEFORE.withHttpRoutes(withOrphan);
    XdsResources previous = translator.translate(noTarget);

    assertThat(translator.translate(orphanTarget, noTarget, previous))
        .isEqualTo(translator.translate(orphanTarget));
    assertThat(translator.translate(noTarget, orphanTarget, translator.translate(orphanTarget)))
        .isEqualTo(previous);
  }

  /**
   * A local rate limit (issue #25) puts a filter on every Gateway listener: removing its only
   * target, or bringing it back, changes the listeners, which a translation in part must see as a
   * full translation does.
   */
  @Test
  void theOnlyLocallyLimitedRouteComingOrGoingGivesWhatAFullTranslationGives() {
    ClusterState limited =
        ChangeFixture.parse(
            ChangeFixture.CLUSTER
                + """
                ---
                apiVersion: attache.io/v1alpha1
                kind: RateLimitPolicy
                metadata: {name: flood, namespace: shop}
                spec:
                  domain: shop
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: admin}]
                  local: {requests_per_unit: 5, unit: second}
                """);
    List<HttpRouteState> withoutAdmin = new ArrayList<>(limited.httpRoutes());
    withoutAdmin.removeIf(r -> r.name().equals("admin"));
    ClusterState unlimited = limited.withHttpRoutes(withoutAdmin);
    XdsResources previous = translator.translate(limited);

    XdsResources removed = translator.translate(unlimited, limited, previous);
    XdsResources restored = translator.translate(limited, unlimited, removed);

    assertThat(removed).isEqualTo(translator.translate(unlimited));
    assertThat(restored).isEqualTo(previous);
  }

  /**
   * Random edits, additions and removals, each translated from the last: always the full result.
   */
  @ParameterizedTest(name = "proxyless hosts {0}")
  @ValueSource(booleans = {false, true})
  void anySequenceOfRouteChangesGivesWhatAFullTranslationGives(boolean proxylessHosts) {
    Translator translator = ChangeFixture.translator(proxylessHosts);
    Random random = new Random(7);
    List<HttpRouteState> pool = BEFORE.httpRoutes();
    ClusterState state = BEFORE;
    XdsResources resources = translator.translate(state);
    for (int step = 0; step < 200; step++) {
      List<HttpRouteState> routes = new ArrayList<>(state.httpRoutes());
      HttpRouteState template = pool.get(random.nextInt(pool.size()));
      switch (random.nextInt(4)) {
        case 0 -> {
          if (!routes.isEmpty()) {
            routes.remove(random.nextInt(routes.size()));
          }
        }
        case 1 ->
            routes.add(
                new HttpRouteState(
                    template.namespace(),
                    "extra-" + step,
                    1,
                    template.created().plusSeconds(step),
                    pool.get(random.nextInt(pool.size())).parents(),
                    template.hostnames(),
                    template.rules()));
        default -> {
          if (!routes.isEmpty()) {
            int at = random.nextInt(routes.size());
            routes.set(
                at,
                withHostnames(
                    routes.get(at),
                    random.nextBoolean()
                        ? List.of()
                        : List.of("h" + random.nextInt(3) + ".shop.example.com")));
          }
        }
      }
      ClusterState next = state.withHttpRoutes(routes);

      XdsResources updated = translator.translate(next, state, resources);

      assertThat(updated).as("step %d", step).isEqualTo(translator.translate(next));
      state = next;
      resources = updated;
    }
  }
}
