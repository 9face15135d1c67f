package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.GatewayReport;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.ServiceState;
import io.attache.controlplane.translate.GatewayReports;
import io.attache.controlplane.translate.GatewayTls;
import io.attache.controlplane.translate.RouteResolver;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Gateway and listener status as the Gateway API defines it: a listener that cannot be served is
 * reported with the spec's reason and left out while its siblings are served, conflicts name the
 * later listener, and {@code attachedRoutes} counts the accepted routes per listener.
 */
class GatewayReportsTest {
  private static final String GATEWAY =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: shop, generation: 4}
      spec:
        gatewayClassName: attache
        listeners:
          - {name: web, port: 8000, protocol: HTTP}
          - {name: admin, port: 8000, protocol: HTTP, hostname: admin.example.com}
          - {name: raw, port: 9000, protocol: UDP}
          - {name: clash, port: 8000, protocol: HTTPS, tls: {certificateRefs: [{name: c}]}}
          - name: mixed
            port: 8100
            protocol: HTTP
            allowedRoutes: {kinds: [{kind: HTTPRoute}, {kind: UDPRoute}]}
          - name: udp-only
            port: 8200
            protocol: HTTP
            allowedRoutes: {kinds: [{kind: UDPRoute}]}
          - {name: secure, port: 8443, protocol: HTTPS, tls: {certificateRefs: [{name: missing}]}}
      """;

  private final List<ResourceError> errors = new ArrayList<>();

  private GatewayState gateway(String yaml) {
    return GatewayConverter.convert(
            (Gateway) Serialization.unmarshal(yaml),
            DocumentErrors.forObject("Gateway", "shop/edge", errors))
        .orElseThrow();
  }

  private HttpRouteState route(String name, String parentRefs, String hostnames) {
    String yaml =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %s, namespace: shop}
        spec:
          parentRefs: %s
          hostnames: %s
          rules: [{backendRefs: [{name: web, port: 8080}]}]
        """
            .formatted(name, parentRefs, hostnames);
    return HttpRouteConverter.convert(
            (HTTPRoute) Serialization.unmarshal(yaml),
            DocumentErrors.forObject("HTTPRoute", "shop/" + name, errors))
        .orElseThrow();
  }

  private static GatewayReport report(GatewayState gateway, HttpRouteState... routes) {
    ServiceState web =
        ServiceConverter.convert(
                KubernetesResourcesTest.service("shop", "web", 8080),
                DocumentErrors.forObject("Service", "shop/web", new ArrayList<>()))
            .orElseThrow();
    ClusterState state =
        new ClusterState(List.of(web), List.of(), List.of(gateway), List.of(routes));
    return GatewayReports.of(
            state, new RouteResolver().resolve(state), GatewayTls.resolve(state).problems())
        .get(0);
  }

  /** {@code type=status/reason} per condition, per listener. */
  private static Map<String, List<String>> listeners(GatewayReport report) {
    return report.listeners().stream()
        .collect(
            Collectors.toMap(GatewayReport.ListenerReport::name, l -> describe(l.conditions())));
  }

  private static List<String> describe(List<GatewayReport.Condition> conditions) {
    return conditions.stream().map(c -> c.type() + "=" + c.status() + "/" + c.reason()).toList();
  }

  @Test
  void eachListenerGetsTheSpecsConditionsAndTheValidOnesAreServed() {
    GatewayState gateway = gateway(GATEWAY);

    assertThat(gateway.listeners())
        .extracting(GatewayState.Listener::name)
        .containsExactly("web", "admin", "mixed", "secure");
    Map<String, List<String>> listeners = listeners(report(gateway));

    assertThat(listeners.get("web"))
        .containsExactly(
            "Accepted=true/Accepted",
            "Conflicted=false/NoConflicts",
            "ResolvedRefs=true/ResolvedRefs",
            "Programmed=true/Programmed");
    assertThat(listeners.get("raw"))
        .containsExactly(
            "Accepted=false/UnsupportedProtocol",
            "Conflicted=false/NoConflicts",
            "ResolvedRefs=true/ResolvedRefs",
            "Programmed=false/Invalid");
    assertThat(listeners.get("clash"))
        .containsExactly(
            "Accepted=true/Accepted",
            "Conflicted=true/ProtocolConflict",
            "ResolvedRefs=true/ResolvedRefs",
            "Programmed=false/Invalid");
    assertThat(listeners.get("mixed"))
        .containsExactly(
            "Accepted=true/Accepted",
            "Conflicted=false/NoConflicts",
            "ResolvedRefs=false/InvalidRouteKinds",
            "Programmed=true/Programmed");
    assertThat(listeners.get("udp-only"))
        .containsExactly(
            "Accepted=true/Accepted",
            "Conflicted=false/NoConflicts",
            "ResolvedRefs=false/InvalidRouteKinds",
            "Programmed=false/Invalid");
    assertThat(listeners.get("secure"))
        .containsExactly(
            "Accepted=true/Accepted",
            "Conflicted=false/NoConflicts",
            "ResolvedRefs=false/InvalidCertificateRef",
            "Programmed=false/Invalid");
  }

  /**
   * A TLS or TCP listener lists its own kind in supportedKinds, and naming another kind there is
   * InvalidRouteKinds; a TLS listener that would terminate is not accepted
   * (TLSRouteListenerTerminateNotSupported: Accepted=False, UnsupportedValue).
   */
  @Test
  void tlsAndTcpListenersCarryTheirProtocolsKind() {
    GatewayState gateway =
        gateway(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: edge, namespace: shop}
            spec:
              gatewayClassName: attache
              listeners:
              - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}}
              - {name: tcp, port: 9000, protocol: TCP}
              - {name: tls-http, port: 8443, protocol: TLS, tls: {mode: Passthrough},
                 allowedRoutes: {kinds: [{kind: HTTPRoute}, {kind: TLSRoute}]}}
              - {name: terminate, port: 9443, protocol: TLS, tls: {mode: Terminate}}
            """);
    GatewayReport report = report(gateway);

    assertThat(report.listeners())
        .extracting(l -> l.name() + " " + l.supportedKinds())
        .containsExactly("tls [TLS]", "tcp [TCP]", "tls-http [TLS]", "terminate [TLS]");
    Map<String, List<String>> listeners = listeners(report);
    assertThat(listeners.get("tls-http")).contains("ResolvedRefs=false/InvalidRouteKinds");
    assertThat(listeners.get("terminate")).contains("Accepted=false/UnsupportedValue");
    assertThat(listeners.get("tcp"))
        .contains("Accepted=true/Accepted", "Programmed=true/Programmed");
    assertThat(errors)
        .extracting(ResourceError::toString)
        .contains(
            "Gateway shop/edge spec.listeners[2].allowedRoutes.kinds[0]: a TLS listener carries"
                + " only TLSRoute, was HTTPRoute in group 'gateway.networking.k8s.io'");
  }

  @Test
  void supportedKindsNameHttpRouteUnlessTheListenerCannotCarryIt() {
    GatewayReport report = report(gateway(GATEWAY));

    assertThat(report.listeners())
        .filteredOn(l -> !l.routesSupported())
        .extracting(GatewayReport.ListenerReport::name)
        .containsExactlyInAnyOrder("raw", "udp-only");
  }

  @Test
  void theGatewayIsAcceptedWithListenersNotValidAndProgrammedWhileOneListenerIsServed() {
    GatewayReport report = report(gateway(GATEWAY));

    assertThat(describe(report.conditions()))
        .containsExactly("Accepted=true/ListenersNotValid", "Programmed=true/Programmed");
    assertThat(report.conditions().get(0).message())
        .isEqualTo("listeners not accepted: raw, clash");
    assertThat(report.conditions().get(1).message()).isEqualTo("3 of 7 listeners served");
    assertThat(report.generation()).isEqualTo(4);
  }

  @Test
  void aGatewayWithNoServableListenerIsNeitherAcceptedNorProgrammed() {
    GatewayReport report =
        report(
            gateway(
                GATEWAY.substring(0, GATEWAY.indexOf("listeners:"))
                    + "listeners: [{name: raw, port: 9000, protocol: UDP}]\n"));

    assertThat(describe(report.conditions()))
        .containsExactly("Accepted=false/ListenersNotValid", "Programmed=false/Invalid");
  }

  @Test
  void attachedRoutesCountsEachAcceptedRouteOncePerListener() {
    GatewayState gateway = gateway(GATEWAY);
    GatewayReport report =
        report(
            gateway,
            // the whole Gateway: web and mixed (any host), admin only through its hostname
            route("all", "[{name: edge}]", "[admin.example.com]"),
            // twice through the same listener: one attachment
            route(
                "twice",
                "[{name: edge, sectionName: web}, {name: edge, port: 8000, sectionName: web}]",
                "[]"),
            // no hostname in common with admin: not attached there
            route("other", "[{name: edge, sectionName: admin}]", "[shop.example.com]"));

    Map<String, Integer> attached =
        report.listeners().stream()
            .collect(
                Collectors.toMap(
                    GatewayReport.ListenerReport::name,
                    GatewayReport.ListenerReport::attachedRoutes));
    assertThat(attached)
        .containsEntry("web", 2)
        .containsEntry("admin", 1)
        .containsEntry("mixed", 1)
        .containsEntry("raw", 0)
        .containsEntry("secure", 1);
  }

  @Test
  void listenerProblemsAreStillErrorsWithTheirFields() {
    gateway(GATEWAY);

    assertThat(errors)
        .extracting(ResourceError::toString)
        .containsExactlyInAnyOrder(
            "Gateway shop/edge spec.listeners[2].protocol: must be HTTP, HTTPS, TLS or TCP (UDP"
                + " listeners are not supported), was 'UDP'",
            "Gateway shop/edge spec.listeners[3].protocol: port 8000 already has a HTTP listener",
            "Gateway shop/edge spec.listeners[4].allowedRoutes.kinds[1]: an HTTP listener carries"
                + " only HTTPRoute and GRPCRoute, was UDPRoute in group 'gateway.networking.k8s.io'",
            "Gateway shop/edge spec.listeners[5].allowedRoutes.kinds[0]: an HTTP listener carries"
                + " only HTTPRoute and GRPCRoute, was UDPRoute in group 'gateway.networking.k8s.io'");
  }

  @Test
  void aListenerEditedIntoAnInvalidStateKeepsItsLastValidVersionServed() {
    GatewayState before = gateway(GATEWAY);
    GatewayState after =
        GatewayConverter.keepServing(
            gateway(
                GATEWAY.replace(
                    "{name: web, port: 8000, protocol: HTTP}",
                    "{name: web, port: 8000, protocol: UDP}")),
            before,
            DocumentErrors.forObject("Gateway", "shop/edge", errors));

    assertThat(after.listeners())
        .extracting(GatewayState.Listener::name)
        .containsExactly("web", "admin", "mixed", "secure");
    List<String> web = listeners(report(after)).get("web");
    assertThat(web).contains("Accepted=false/UnsupportedProtocol", "Programmed=true/Programmed");
    assertThat(report(after).listeners().get(0).conditions().get(0).message())
        .endsWith("(the last valid version of this listener is still served)");
    assertThat(errors)
        .extracting(ResourceError::toString)
        .contains(
            "Gateway shop/edge spec.listeners[0]: the last valid version of listener web is still"
                + " served");
  }

  @Test
  void twoGatewaysOnOnePortLeaveItToTheOlderOne() {
    String older =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: zeta, namespace: shop, creationTimestamp: "2026-01-01T00:00:00Z"}
        spec:
          gatewayClassName: attache
          listeners: [{name: web, port: 8000, protocol: HTTP}]
        """;
    String newer =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: alpha, namespace: shop, creationTimestamp: "2026-06-01T00:00:00Z"}
        spec:
          gatewayClassName: attache
          listeners:
            - {name: web, port: 8000, protocol: HTTP}
            - {name: admin, port: 9000, protocol: HTTP}
        """;
    List<GatewayState> claimed =
        GatewayPorts.claim(List.of(gateway(newer), gateway(older)), errors);

    assertThat(claimed.get(0).listeners())
        .extracting(GatewayState.Listener::name)
        .containsExactly("admin");
    assertThat(claimed.get(1).listeners())
        .extracting(GatewayState.Listener::name)
        .containsExactly("web");
    assertThat(listeners(report(claimed.get(0))).get("web"))
        .startsWith("Accepted=false/PortUnavailable")
        .contains("Programmed=false/Invalid");
    assertThat(errors)
        .extracting(ResourceError::toString)
        .containsExactly(
            "Gateway shop/alpha spec.listeners[0].port: port 8000 is already used by the older"
                + " Gateway shop/zeta");
  }
}
