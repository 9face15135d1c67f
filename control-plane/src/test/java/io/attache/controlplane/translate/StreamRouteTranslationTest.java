package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.RouteStatus;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * TLSRoutes (passthrough by SNI) and TCPRoutes on Gateway listeners of those protocols, case by
 * case after the Gateway API conformance suite (gateway-api {@code conformance/tests}, cited per
 * test by ShortName, with their manifests): each becomes a Listener whose filter chains hand whole
 * connections to Envoy's TCP proxy.
 */
class StreamRouteTranslationTest {
  private static final String INFRA = "gateway-conformance-infra";
  private static final String SERVICES =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: tcp-backend, namespace: gateway-conformance-infra}
      spec: {ports: [{port: 8443}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: tcp-backend-v1, namespace: gateway-conformance-infra}
      spec: {ports: [{name: tcp, port: 3000}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: tcp-backend-v2, namespace: gateway-conformance-infra}
      spec: {ports: [{name: tcp, port: 3000}]}
      """;
  private static final String TLS_GATEWAY =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: gateway-tlsroute, namespace: gateway-conformance-infra}
      spec:
        gatewayClassName: attache
        listeners:
        - name: https
          port: 443
          protocol: TLS
          hostname: "*.example.com"
          allowedRoutes: {namespaces: {from: Same}, kinds: [{kind: TLSRoute}]}
          tls: {mode: Passthrough}
      """;
  private static final String TCP_GATEWAY =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: tcp-gateway, namespace: gateway-conformance-infra}
      spec:
        gatewayClassName: attache
        listeners:
        - {name: tcp, port: 9000, protocol: TCP, allowedRoutes: {kinds: [{kind: TCPRoute}]}}
        - {name: web, port: 8080, protocol: HTTP}
      """;

  private static ClusterState parse(String... documents) {
    return ConformanceManifests.parse(SERVICES, String.join("---\n", documents));
  }

  private static String tlsRoute(String name, String hostnames, String backend) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: TLSRoute
        metadata: {name: %s, namespace: gateway-conformance-infra}
        spec:
          parentRefs: [{name: gateway-tlsroute}]
          hostnames: %s
          rules: [{backendRefs: [{name: %s, port: 8443}]}]
        """
        .formatted(name, hostnames, backend);
  }

  private static String tcpRoute(String name, String created, String section, String backends) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: TCPRoute
        metadata: {name: %s, namespace: gateway-conformance-infra, creationTimestamp: "%s"}
        spec:
          parentRefs: [{name: tcp-gateway, sectionName: %s}]
          rules: [{backendRefs: %s}]
        """
        .formatted(name, created, section, backends);
  }

  private static Optional<Listener> listener(ClusterState state, String name) {
    return new Translator()
        .translate(state).listeners().stream().filter(l -> l.getName().equals(name)).findFirst();
  }

  private static TcpProxy proxy(FilterChain chain) {
    try {
      return chain.getFilters(0).getTypedConfig().unpack(TcpProxy.class);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static Map<String, RouteStatus> statuses(ClusterState state) {
    return new RouteResolver()
        .resolve(state).statuses().stream()
            .collect(Collectors.toMap(RouteStatus::routeKey, s -> s, (a, b) -> a));
  }

  /** TLSRouteSimpleSameNamespace: connections for abc.example.com pass through to the backend. */
  @Test
  void aTlsRoutePassesConnectionsThroughBySni() {
    ClusterState state =
        parse(
            TLS_GATEWAY,
            tlsRoute("gateway-conformance-infra-test", "[abc.example.com]", "tcp-backend"));

    Listener listener = listener(state, INFRA + "/gateway-tlsroute:443").orElseThrow();
    assertThat(listener.getListenerFilters(0).getName())
        .isEqualTo("envoy.filters.listener.tls_inspector");
    FilterChain chain = listener.getFilterChains(0);
    assertThat(chain.getFilterChainMatch().getServerNamesList()).containsExactly("abc.example.com");
    assertThat(chain.hasTransportSocket()).isFalse(); // passed through, not terminated
    assertThat(proxy(chain).getCluster()).isEqualTo(INFRA + "/tcp-backend:8443");
    RouteStatus status = ConformanceManifests.firstStatus(state);
    assertThat(status.routeKey())
        .isEqualTo("TLSRoute:" + INFRA + "/gateway-conformance-infra-test");
    assertThat(status.healthy()).isTrue();
  }

  /**
   * TLSRouteInvalidNoMatchingListenerHostname: a route whose SNI hostnames the listener's does not
   * cover is not accepted, and the port serves nothing.
   */
  @Test
  void aTlsRouteOutsideTheListenersHostnameIsNotAccepted() {
    ClusterState state =
        parse(TLS_GATEWAY, tlsRoute("elsewhere", "[abc.example.net]", "tcp-backend"));

    assertThat(ConformanceManifests.firstStatus(state).accepted().reason())
        .isEqualTo("NoMatchingListenerHostname");
    assertThat(listener(state, INFRA + "/gateway-tlsroute:443")).isEmpty();
  }

  /** TCPRouteWeightedRouting: connections split by weight. */
  @Test
  void aTcpRouteSplitsConnectionsByWeight() {
    ClusterState state =
        parse(
            TCP_GATEWAY,
            tcpRoute(
                "weighted",
                "2026-01-01T00:00:00Z",
                "tcp",
                "[{name: tcp-backend-v1, port: 3000, weight: 80},"
                    + " {name: tcp-backend-v2, port: 3000, weight: 20}]"));

    Listener listener = listener(state, INFRA + "/tcp-gateway:9000").orElseThrow();
    assertThat(listener.getListenerFiltersList()).isEmpty();
    assertThat(listener.getFilterChainsList()).hasSize(1);
    assertThat(proxy(listener.getFilterChains(0)).getWeightedClusters().getClustersList())
        .extracting(c -> c.getName() + "=" + c.getWeight())
        .containsExactly(INFRA + "/tcp-backend-v1:tcp=80", INFRA + "/tcp-backend-v2:tcp=20");
  }

  /**
   * TCPRouteMultipleRoutesAttachment: two TCPRoutes on one listener are both accepted and both
   * counted in attachedRoutes; only the older one gets connections.
   */
  @Test
  void ofTwoTcpRoutesOnOneListenerTheOlderGetsTheConnections() {
    ClusterState state =
        parse(
            TCP_GATEWAY,
            tcpRoute(
                "tcproute-attach-newer",
                "2026-02-01T00:00:00Z",
                "tcp",
                "[{name: tcp-backend-v2, port: 3000}]"),
            tcpRoute(
                "tcproute-attach-older",
                "2026-01-01T00:00:00Z",
                "tcp",
                "[{name: tcp-backend-v1, port: 3000}]"));

    assertThat(statuses(state).values()).allSatisfy(s -> assertThat(s.healthy()).isTrue());
    RouteAttachments attachments = new RouteResolver().resolve(state);
    assertThat(attachments.attachedRoutes(INFRA + "/tcp-gateway", "tcp")).isEqualTo(2);
    Listener listener = listener(state, INFRA + "/tcp-gateway:9000").orElseThrow();
    assertThat(proxy(listener.getFilterChains(0)).getCluster())
        .isEqualTo(INFRA + "/tcp-backend-v1:tcp");
  }

  /**
   * TCPRouteInvalidNonTCPListener: a TCPRoute naming an HTTP listener is not accepted
   * (NotAllowedByListeners); TCPRouteInvalidBackendRefNonexistent: a missing backend is
   * BackendNotFound and its connections are closed.
   */
  @Test
  void aTcpRouteOnAnHttpListenerOrToAMissingBackendIsReported() {
    ClusterState state =
        parse(
            TCP_GATEWAY,
            tcpRoute(
                "on-web", "2026-01-01T00:00:00Z", "web", "[{name: tcp-backend-v1, port: 3000}]"),
            tcpRoute("missing", "2026-01-01T00:00:00Z", "tcp", "[{name: nowhere, port: 3000}]"));

    RouteStatus onWeb = statuses(state).get("TCPRoute:" + INFRA + "/on-web");
    assertThat(onWeb.accepted().reason()).isEqualTo("NotAllowedByListeners");
    RouteStatus missing = statuses(state).get("TCPRoute:" + INFRA + "/missing");
    assertThat(missing.accepted().status()).isTrue();
    assertThat(missing.resolvedRefs().reason()).isEqualTo("BackendNotFound");
    assertThat(proxy(listener(state, INFRA + "/tcp-gateway:9000").orElseThrow().getFilterChains(0)))
        .extracting(TcpProxy::getCluster)
        .isEqualTo(EnvoyRoutes.UNRESOLVED_BACKEND);
  }

  /**
   * TLSRouteInvalidNoMatchingListener: a TLSRoute naming an HTTP or HTTPS Gateway is
   * NotAllowedByListeners, one naming a listener that does not exist NoMatchingParent.
   */
  @Test
  void aTlsRouteWithoutATlsListenerIsNotAccepted() {
    String gateway =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: %s, namespace: gateway-conformance-infra}
        spec:
          gatewayClassName: attache
          listeners: [%s]
        """;
    String route =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: TLSRoute
        metadata: {name: %s, namespace: gateway-conformance-infra}
        spec:
          parentRefs: [%s]
          hostnames: [tls.example.com]
          rules: [{backendRefs: [{name: tcp-backend, port: 8443}]}]
        """;
    ClusterState state =
        parse(
            gateway.formatted(
                "gateway-tlsroute-tls-passthrough-only",
                "{name: tls-passthrough, protocol: TLS, port: 443, tls: {mode: Passthrough}}"),
            gateway.formatted(
                "gateway-tlsroute-http-only", "{name: http, port: 80, protocol: HTTP}"),
            gateway.formatted(
                "gateway-tlsroute-https-only",
                "{name: https, port: 8443, protocol: HTTPS, tls: {mode: Terminate,"
                    + " certificateRefs: [{name: tls-validity-checks-certificate}]}}"),
            route.formatted(
                "tlsroute-not-allowed-protocol-http", "{name: gateway-tlsroute-http-only}"),
            route.formatted(
                "tlsroute-not-allowed-protocol-https", "{name: gateway-tlsroute-https-only}"),
            route.formatted(
                "tlsroute-no-matching-section-name",
                "{name: gateway-tlsroute-tls-passthrough-only, sectionName: nonexistent-listener}"));

    Map<String, RouteStatus> statuses = statuses(state);
    assertThat(statuses.get("TLSRoute:" + INFRA + "/tlsroute-not-allowed-protocol-http").accepted())
        .extracting(RouteStatus.Condition::reason)
        .isEqualTo("NotAllowedByListeners");
    assertThat(
            statuses.get("TLSRoute:" + INFRA + "/tlsroute-not-allowed-protocol-https").accepted())
        .extracting(RouteStatus.Condition::reason)
        .isEqualTo("NotAllowedByListeners");
    assertThat(statuses.get("TLSRoute:" + INFRA + "/tlsroute-no-matching-section-name").accepted())
        .extracting(RouteStatus.Condition::reason)
        .isEqualTo("NoMatchingParent");
    RouteAttachments attachments = new RouteResolver().resolve(state);
    assertThat(attachments.attachedRoutes(INFRA + "/gateway-tlsroute-http-only", "http")).isZero();
    assertThat(attachments.attachedRoutes(INFRA + "/gateway-tlsroute-https-only", "https"))
        .isZero();
  }

  /**
   * TLSRouteInvalidBackendRefNonexistent (BackendNotFound), TLSRouteInvalidBackendRefUnknownKind
   * (InvalidKind) and TLSRouteInvalidReferenceGrant (RefNotPermitted: each grant wrong in one way):
   * the route stays accepted, its ResolvedRefs says why.
   */
  @Test
  void aTlsRoutesUnresolvedBackendIsReportedWithItsReason() {
    String grant =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata: {name: %s, namespace: %s}
        spec:
          from: [{group: %s, kind: %s, namespace: %s}]
          to: [{group: "%s", kind: %s, name: %s}]
        """;
    String appNs = "gateway-conformance-app-backend";
    String api = "gateway.networking.k8s.io";
    ClusterState state =
        parse(
            TLS_GATEWAY,
            tlsRoute("nonexistent", "[a.example.com]", "nowhere"),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: TLSRoute
            metadata: {name: unknown-kind, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: gateway-tlsroute}]
              hostnames: [b.example.com]
              rules:
              - backendRefs:
                - {group: unknownkind.example.com, kind: NonExistent, name: tls-backend, port: 443}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: TLSRoute
            metadata: {name: cross, namespace: gateway-conformance-infra}
            spec:
              parentRefs: [{name: gateway-tlsroute}]
              hostnames: [abc.example.com]
              rules:
              - backendRefs: [{name: tls-backend, namespace: gateway-conformance-app-backend, port: 443}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: tls-backend, namespace: gateway-conformance-app-backend}
            spec: {ports: [{port: 443}]}
            """,
            grant.formatted(
                "wrong-namespace", INFRA, api, "TLSRoute", INFRA, "", "Service", "tls-backend"),
            grant.formatted(
                "wrong-from-group",
                appNs,
                "not-the-group-youre-looking-for",
                "TLSRoute",
                INFRA,
                "",
                "Service",
                "tls-backend"),
            grant.formatted(
                "wrong-from-kind", appNs, api, "Gateway", INFRA, "", "Service", "tls-backend"),
            grant.formatted(
                "wrong-from-namespace",
                appNs,
                api,
                "TLSRoute",
                "not-the-namespace-youre-looking-for",
                "",
                "Service",
                "tls-backend"),
            grant.formatted(
                "wrong-to-group",
                appNs,
                api,
                "TLSRoute",
                INFRA,
                "not-the-group-youre-looking-for",
                "Service",
                "tls-backend"),
            grant.formatted(
                "wrong-to-kind", appNs, api, "TLSRoute", INFRA, "", "Secret", "tls-backend"),
            grant.formatted(
                "wrong-to-name",
                appNs,
                api,
                "TLSRoute",
                INFRA,
                "",
                "Service",
                "not-the-service-youre-looking-for"));

    Map<String, RouteStatus> statuses = statuses(state);
    assertThat(
            List.of("nonexistent", "unknown-kind", "cross").stream()
                .map(n -> statuses.get("TLSRoute:" + INFRA + "/" + n))
                .map(s -> s.accepted().status() + "/" + s.resolvedRefs().reason())
                .toList())
        .containsExactly("true/BackendNotFound", "true/InvalidKind", "true/RefNotPermitted");
  }

  /**
   * The cluster a TLS connection with this SNI reaches, as Envoy picks the filter chain: the exact
   * server name, else the longest wildcard covering it, else a chain without server names; {@code
   * none} when no chain takes it.
   */
  private static String sni(Listener listener, String serverName) {
    FilterChain best = null;
    int bestRank = -1;
    for (FilterChain chain : listener.getFilterChainsList()) {
      List<String> names = chain.getFilterChainMatch().getServerNamesList();
      int rank = names.isEmpty() ? 0 : -1;
      for (String name : names) {
        if (name.equals(serverName)) {
          rank = Integer.MAX_VALUE;
        } else if (name.startsWith("*.") && serverName.endsWith(name.substring(1))) {
          rank = Math.max(rank, name.length());
        }
      }
      if (rank > bestRank) {
        best = chain;
        bestRank = rank;
      }
    }
    return best == null ? "none" : proxy(best).getCluster();
  }

  /**
   * TLSRouteHostnameIntersection: each TLSRoute serves the intersection of its SNI hostnames with
   * its listener's (exact, a more or less specific wildcard, or none), and a name outside it
   * reaches no backend.
   */
  @Test
  void tlsRouteHostnameIntersection() {
    String gateway =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: %s, namespace: gateway-conformance-infra}
        spec:
          gatewayClassName: attache
          listeners:
          - name: listener
            port: %d
            protocol: TLS
            %s
            allowedRoutes: {kinds: [{kind: TLSRoute}]}
            tls: {mode: Passthrough}
        """;
    String route =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: TLSRoute
        metadata: {name: %s, namespace: gateway-conformance-infra}
        spec:
          parentRefs: [{name: %s}]
          hostnames: [%s]
          rules: [{backendRefs: [{name: %s, port: 8443}]}]
        """;
    String x1 = "gw-tlsroute-exact-hostname-x-1";
    String x2 = "gw-tlsroute-more-specific-wc-hostname-x-2";
    String x3 = "gw-tlsroute-less-specific-wc-hostname-x-3";
    String x4 = "gw-tlsroute-empty-hostname-x-4";
    ClusterState state =
        parse(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: tcp-backend-2, namespace: gateway-conformance-infra}
            spec: {ports: [{port: 8443}]}
            """,
            gateway.formatted(x1, 443, "hostname: abc.example.com"),
            gateway.formatted(x2, 444, "hostname: \"*.example.com\""),
            gateway.formatted(x3, 445, "hostname: \"*.com\""),
            gateway.formatted(x4, 446, ""),
            route.formatted(
                "tlsroute-more-specific-wc-hostname-x-1", x1, "\"*.example.com\"", "tcp-backend"),
            route.formatted("tlsroute-exact-hostname-x-2", x2, "abc.example.com", "tcp-backend"),
            route.formatted(
                "tlsroute-less-specific-wc-hostname-x-2", x2, "\"*.com\"", "tcp-backend-2"),
            route.formatted("tlsroute-exact-hostname-x-3", x3, "abc.example.com", "tcp-backend"),
            route.formatted(
                "tlsroute-more-specific-wc-hostname-x-3", x3, "\"*.example.com\"", "tcp-backend-2"),
            route.formatted("tlsroute-exact-hostname-x-4", x4, "abc.example.com", "tcp-backend"),
            route.formatted(
                "tlsroute-less-specific-wc-hostname-x-4", x4, "\"*.com\"", "tcp-backend-2"));

    assertThat(statuses(state).values()).allSatisfy(s -> assertThat(s.healthy()).isTrue());
    String one = INFRA + "/tcp-backend:8443";
    String two = INFRA + "/tcp-backend-2:8443";
    Map<String, List<String>> expected =
        Map.of(
            x1, List.of(one, "none", "none"),
            x2, List.of(one, two, "none"),
            x3, List.of(one, two, "none"),
            x4, List.of(one, two, "none"));
    Map<String, Integer> ports = Map.of(x1, 443, x2, 444, x3, 445, x4, 446);
    expected.forEach(
        (gw, targets) -> {
          Listener listener = listener(state, INFRA + "/" + gw + ":" + ports.get(gw)).orElseThrow();
          assertThat(
                  List.of(
                      sni(listener, "abc.example.com"),
                      sni(listener, "other.example.com"),
                      sni(listener, "abc.example.net")))
              .as(gw)
              .isEqualTo(targets);
        });
  }

  /**
   * A TCPRoute's backend in another namespace needs a ReferenceGrant from TCPRoutes there
   * (RefNotPermitted without one, as TCPRouteInvalidCrossNamespaceBackendRef and
   * TCPRouteReferenceGrant check, both provisional upstream), and its connections follow the grant.
   */
  @Test
  void aTcpRoutesCrossNamespaceBackendNeedsAGrant() {
    String route =
        tcpRoute(
            "cross",
            "2026-01-01T00:00:00Z",
            "tcp",
            "[{name: db, namespace: gateway-conformance-app-backend, port: 3000}]");
    String service =
        """
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: gateway-conformance-app-backend}
        spec: {ports: [{name: tcp, port: 3000}]}
        """;
    String grant =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata: {name: allow, namespace: gateway-conformance-app-backend}
        spec:
          from: [{group: gateway.networking.k8s.io, kind: TCPRoute, namespace: gateway-conformance-infra}]
          to: [{group: "", kind: Service}]
        """;

    ClusterState refused = parse(TCP_GATEWAY, route, service);
    ClusterState granted = parse(TCP_GATEWAY, route, service, grant);

    assertThat(ConformanceManifests.firstStatus(refused).resolvedRefs().reason())
        .isEqualTo("RefNotPermitted");
    assertThat(
            proxy(listener(refused, INFRA + "/tcp-gateway:9000").orElseThrow().getFilterChains(0))
                .getCluster())
        .isEqualTo(EnvoyRoutes.UNRESOLVED_BACKEND);
    assertThat(ConformanceManifests.firstStatus(granted).resolvedRefs().status()).isTrue();
    assertThat(
            proxy(listener(granted, INFRA + "/tcp-gateway:9000").orElseThrow().getFilterChains(0))
                .getCluster())
        .isEqualTo("gateway-conformance-app-backend/db:tcp");
  }
}
