package io.attache.controlplane.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import io.attache.controlplane.translate.Translator;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Envoy API's {@code validate.rules}, read from the descriptors, on resources that break one
 * rule each (the rules as envoy/api at java-control-plane 1.0.49's protos state them).
 */
class ProtoValidatorTest {
  private static List<String> violations(Message resource) {
    return EnvoyApiValidation.validate(resource).stream().map(Violation::toString).toList();
  }

  private static Route route(RouteMatch.Builder match) {
    return Route.newBuilder()
        .setMatch(match)
        .setRoute(RouteAction.newBuilder().setCluster("web"))
        .build();
  }

  @Test
  void aValidResourceHasNoViolations() {
    RouteConfiguration routes =
        RouteConfiguration.newBuilder()
            .setName("edge")
            .addVirtualHosts(
                VirtualHost.newBuilder()
                    .setName("store")
                    .addDomains("store.example.com")
                    .addRoutes(route(RouteMatch.newBuilder().setPrefix("/"))))
            .build();

    assertThat(violations(routes)).isEmpty();
  }

  @Test
  void stringListAndRequiredOneofRulesAreNamedWithTheirField() {
    RouteConfiguration routes =
        RouteConfiguration.newBuilder()
            .setName("edge")
            .addVirtualHosts(
                VirtualHost.newBuilder()
                    .setName("")
                    .addRoutes(
                        route(
                            RouteMatch.newBuilder()
                                .addHeaders(HeaderMatcher.newBuilder().setName("x-bad\nname")))))
            .build();

    assertThat(violations(routes))
        .containsExactlyInAnyOrder(
            "virtual_hosts[0].name: string.min_len = 1 (was '')",
            "virtual_hosts[0].domains: repeated.min_items = 1 (0 items)",
            "virtual_hosts[0].routes[0].match.path_specifier: oneof required (none is set)",
            "virtual_hosts[0].routes[0].match.headers[0].name: string.well_known_regex ="
                + " HTTP_HEADER_NAME (strict: false) (was 'x-bad\nname')");
  }

  /**
   * One action object shared by several routes (as a translation shares a rule's): found valid
   * once, it is not walked again; found invalid, it is reported at every route that holds it.
   */
  @Test
  void aSharedInvalidActionIsReportedWhereverItSits() {
    RouteAction broken = RouteAction.newBuilder().setCluster("").build();
    RouteAction fine = RouteAction.newBuilder().setCluster("web").build();
    VirtualHost.Builder host = VirtualHost.newBuilder().setName("store").addDomains("*");
    for (RouteAction action : List.of(broken, fine, broken, fine)) {
      host.addRoutes(
          Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")).setRoute(action));
    }
    RouteConfiguration routes =
        RouteConfiguration.newBuilder().setName("edge").addVirtualHosts(host).build();

    assertThat(violations(routes))
        .containsExactly(
            "virtual_hosts[0].routes[0].route.cluster: string.min_len = 1 (was '')",
            "virtual_hosts[0].routes[2].route.cluster: string.min_len = 1 (was '')");
  }

  /** The same for a shared per-filter configuration, an Any to unpack, that is not valid. */
  @Test
  void aSharedInvalidFilterConfigurationIsReportedWhereverItSits() {
    // ExtAuthzPerRoute's override oneof is required.
    Any broken =
        Any.pack(
            io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute
                .getDefaultInstance());
    VirtualHost.Builder host = VirtualHost.newBuilder().setName("store").addDomains("*");
    for (int i = 0; i < 2; i++) {
      host.addRoutes(
          Route.newBuilder()
              .setMatch(RouteMatch.newBuilder().setPrefix("/"))
              .setRoute(RouteAction.newBuilder().setCluster("web"))
              .putTypedPerFilterConfig("envoy.filters.http.ext_authz", broken));
    }
    RouteConfiguration routes =
        RouteConfiguration.newBuilder().setName("edge").addVirtualHosts(host).build();

    assertThat(violations(routes)).hasSize(2);
    assertThat(violations(routes).get(0)).startsWith("virtual_hosts[0].routes[0].");
    assertThat(violations(routes).get(1)).startsWith("virtual_hosts[0].routes[1].");
  }

  @Test
  void durationEnumAndNumberRangesAreChecked() {
    Cluster cluster =
        Cluster.newBuilder()
            .setName("web")
            .setTypeValue(42)
            .setConnectTimeout(Duration.newBuilder().setSeconds(0))
            .build();
    SocketAddress address =
        SocketAddress.newBuilder().setAddress("10.0.0.1").setPortValue(70_000).build();

    assertThat(violations(cluster))
        .containsExactlyInAnyOrder(
            "type: enum.defined_only (42 is not a value of envoy.config.cluster.v3.Cluster.DiscoveryType)",
            "connect_timeout: duration.gt = 0s (was 0s)");
    assertThat(violations(address)).containsExactly("port_value: uint32.lte = 65535 (was 70000)");
  }

  @Test
  void whatIsPackedInAnAnyOfAKnownTypeIsCheckedToo() {
    Listener listener =
        Listener.newBuilder()
            .setName("edge:80")
            .setAddress(
                Address.newBuilder()
                    .setSocketAddress(
                        SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(80)))
            .addFilterChains(
                FilterChain.newBuilder()
                    .addFilters(
                        Filter.newBuilder()
                            .setName("envoy.filters.network.http_connection_manager")
                            .setTypedConfig(Any.pack(HttpConnectionManager.getDefaultInstance()))))
            .build();

    assertThat(violations(listener))
        .contains(
            "filter_chains[0].filters[0].typed_config(envoy.extensions.filters.network"
                + ".http_connection_manager.v3.HttpConnectionManager).stat_prefix: string.min_len"
                + " = 1 (was '')");
  }

  @Test
  void aMapOfStringsIsNoMessageToDescendInto() {
    // CheckSettings.context_extensions, a map<string, string>: its entries are messages, their
    // values are not (this threw before any rule was checked).
    Route route =
        route(RouteMatch.newBuilder().setPrefix("/")).toBuilder()
            .putTypedPerFilterConfig(
                "envoy.filters.http.ext_authz",
                Any.pack(
                    io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute
                        .newBuilder()
                        .setCheckSettings(
                            io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.CheckSettings
                                .newBuilder()
                                .putContextExtensions("tier", "gold"))
                        .build()))
            .build();

    assertThat(violations(route)).isEmpty();
  }

  /** What holds every translation test to the rules: the translator checks them with -ea. */
  @Test
  void testsRunWithTheTranslatorsCheckOn() {
    assertThat(Translator.class.desiredAssertionStatus()).isTrue();
  }
}
