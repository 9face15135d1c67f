package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.GatewayReport;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.RouteKind;
import io.attache.controlplane.model.TlsSecret;
import io.attache.controlplane.translate.GatewayReports;
import io.attache.controlplane.translate.GatewayTls;
import io.attache.controlplane.translate.RouteResolver;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Gateways as the Gateway API conformance suite checks them (gateway-api {@code conformance/tests},
 * cited per test by ShortName, with their manifests): each listener's conditions, supportedKinds
 * and attachedRoutes, and the Gateway's Accepted condition. The manifests hold invalid listeners,
 * so they are converted one object at a time, as the sources do.
 */
class GatewayConformanceTest {
  private final List<ResourceError> errors = new ArrayList<>();

  /** Every Gateway of {@code yaml} (documents) reported, with its Secrets, by name. */
  private Map<String, GatewayReport> reports(String yaml) {
    List<GatewayState> gateways = new ArrayList<>();
    List<TlsSecret> secrets = new ArrayList<>();
    for (String document : yaml.split("(?m)^---$")) {
      HasMetadata object = (HasMetadata) Serialization.unmarshal(document);
      DocumentErrors at =
          DocumentErrors.forObject(object.getKind(), object.getMetadata().getName(), errors);
      if (object instanceof Gateway gateway) {
        GatewayConverter.convert(gateway, at).ifPresent(gateways::add);
      } else if (object instanceof Secret secret) {
        TlsSecretConverter.convert(secret, at).ifPresent(secrets::add);
      }
    }
    ClusterState state =
        new ClusterState(
            List.of(), List.of(), gateways, List.of(), List.of(), List.of(), secrets, List.of(),
            List.of());
    GatewayTls tls = GatewayTls.resolve(state);
    return GatewayReports.of(state, new RouteResolver().resolve(state), tls.problems()).stream()
        .collect(Collectors.toMap(r -> r.gatewayKey().split("/")[1], r -> r));
  }

  private static String listener(GatewayReport report, String name) {
    GatewayReport.ListenerReport listener =
        report.listeners().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    return listener.supportedKinds()
        + " "
        + listener.attachedRoutes()
        + " "
        + listener.conditions().stream()
            .filter(c -> !c.type().equals("Conflicted"))
            .map(c -> c.type() + "=" + c.status() + "/" + c.reason())
            .toList();
  }

  private static String accepted(GatewayReport report) {
    return report.conditions().stream()
        .filter(c -> c.type().equals("Accepted"))
        .map(c -> c.status() + "/" + c.reason())
        .findFirst()
        .orElseThrow();
  }

  /**
   * GatewayInvalidRouteKind: a listener whose allowedRoutes.kinds names only an unknown kind has no
   * supportedKinds; with HTTPRoute beside it, HTTPRoute; ResolvedRefs=False InvalidRouteKinds
   * either way.
   */
  @Test
  void gatewayInvalidRouteKind() {
    Map<String, GatewayReport> reports =
        reports(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gateway-only-invalid-route-kind, namespace: gateway-conformance-infra}
            spec:
              gatewayClassName: attache
              listeners:
                - name: http
                  port: 80
                  protocol: HTTP
                  allowedRoutes: {namespaces: {from: All}, kinds: [{kind: InvalidRoute}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gateway-supported-and-invalid-route-kind, namespace: gateway-conformance-infra}
            spec:
              gatewayClassName: attache
              listeners:
                - name: http
                  port: 81
                  protocol: HTTP
                  allowedRoutes:
                    namespaces: {from: All}
                    kinds: [{kind: InvalidRoute}, {kind: HTTPRoute}]
            """);

    assertThat(listener(reports.get("gateway-only-invalid-route-kind"), "http"))
        .startsWith("[] 0 ")
        .contains("ResolvedRefs=false/InvalidRouteKinds");
    assertThat(listener(reports.get("gateway-supported-and-invalid-route-kind"), "http"))
        .startsWith("[" + RouteKind.HTTP + "] 0 ")
        .contains("ResolvedRefs=false/InvalidRouteKinds");
  }

  /**
   * GatewayListenerUnsupportedProtocol: a listener of an unknown protocol is Accepted=False,
   * UnsupportedProtocol, with no supportedKinds; a Gateway with no other listener is not accepted
   * (ListenersNotValid), one with an HTTP listener beside it is, reason ListenersNotValid.
   */
  @Test
  void gatewayListenerUnsupportedProtocol() {
    Map<String, GatewayReport> reports =
        reports(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gateway-only-unsupported-protocols, namespace: gateway-conformance-infra}
            spec:
              gatewayClassName: attache
              listeners:
                - {name: invalid, port: 1111, protocol: INVALID}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gateway-supported-and-unsupported-protocols, namespace: gateway-conformance-infra}
            spec:
              gatewayClassName: attache
              listeners:
                - {name: http, port: 80, protocol: HTTP}
                - {name: invalid, port: 1112, protocol: INVALID}
            """);

    GatewayReport only = reports.get("gateway-only-unsupported-protocols");
    assertThat(accepted(only)).isEqualTo("false/ListenersNotValid");
    assertThat(listener(only, "invalid"))
        .startsWith("[] 0 ")
        .contains("Accepted=false/UnsupportedProtocol");
    GatewayReport mixed = reports.get("gateway-supported-and-unsupported-protocols");
    assertThat(accepted(mixed)).isEqualTo("true/ListenersNotValid");
    assertThat(listener(mixed, "http")).contains("HTTP").contains("Accepted=true/Accepted");
    assertThat(listener(mixed, "invalid")).contains("Accepted=false/UnsupportedProtocol");
  }

  /**
   * GatewayInvalidTLSConfiguration: an HTTPS listener whose certificate is a Secret that does not
   * exist, of another group or kind, or malformed, has ResolvedRefs=False InvalidCertificateRef,
   * still lists HTTPRoute among its supportedKinds, and has no routes attached.
   */
  @Test
  void gatewayInvalidTlsConfiguration() {
    String https =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: %s, namespace: gateway-conformance-infra}
        spec:
          gatewayClassName: attache
          listeners:
            - name: https
              port: %d
              protocol: HTTPS
              allowedRoutes: {namespaces: {from: All}}
              tls: {certificateRefs: [{group: "%s", kind: %s, name: %s}]}
        """;
    Map<String, GatewayReport> reports =
        reports(
            String.join(
                "---\n",
                https.formatted(
                    "gateway-certificate-nonexistent-secret",
                    443,
                    "",
                    "Secret",
                    "nonexistent-certificate"),
                https.formatted(
                    "gateway-certificate-unsupported-group",
                    444,
                    "wrong.group.company.io",
                    "Secret",
                    "tls-validity-checks-certificate"),
                https.formatted(
                    "gateway-certificate-unsupported-kind",
                    445,
                    "",
                    "WrongKind",
                    "tls-validity-checks-certificate"),
                https.formatted(
                    "gateway-certificate-malformed-secret",
                    446,
                    "",
                    "Secret",
                    "malformed-certificate"),
                """
                apiVersion: v1
                kind: Secret
                metadata: {name: malformed-certificate, namespace: gateway-conformance-infra}
                type: kubernetes.io/tls
                data: {tls.crt: SGVsbG8gd29ybGQK, tls.key: SGVsbG8gd29ybGQK}
                """));

    assertThat(reports).hasSize(4);
    reports
        .values()
        .forEach(
            report ->
                assertThat(listener(report, "https"))
                    .as(report.gatewayKey())
                    .contains(RouteKind.HTTP.toString())
                    .contains(" 0 ")
                    .contains("ResolvedRefs=false/InvalidCertificateRef"));
  }

  /**
   * TLSRouteListenerPassthroughSupportedKinds: a Passthrough TLS listener whose allowedRoutes.kinds
   * names TCPRoute and TLSRoute supports TLSRoute only, ResolvedRefs=False InvalidRouteKinds.
   */
  @Test
  void tlsRouteListenerPassthroughSupportedKinds() {
    GatewayReport report =
        reports(
                """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gateway-tlsroute-passthrough-supported-kind, namespace: gateway-conformance-infra}
                spec:
                  gatewayClassName: attache
                  listeners:
                    - name: tls-passthrough
                      port: 443
                      protocol: TLS
                      allowedRoutes: {namespaces: {from: Same}, kinds: [{kind: TCPRoute}, {kind: TLSRoute}]}
                      tls: {mode: Passthrough}
                """)
            .get("gateway-tlsroute-passthrough-supported-kind");

    assertThat(listener(report, "tls-passthrough"))
        .startsWith("[" + RouteKind.TLS + "] 0 ")
        .contains("ResolvedRefs=false/InvalidRouteKinds");
  }
}
