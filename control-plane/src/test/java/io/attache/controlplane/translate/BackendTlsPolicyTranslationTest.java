package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.TlsFixtures;
import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.RouteStatus;
import io.attache.controlplane.source.ParseResult;
import io.attache.controlplane.source.ResourceDirectory;
import io.attache.controlplane.source.ResourceError;
import io.attache.controlplane.source.ResourceParser;
import io.attache.runtime.WatchedDirectory;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gateway API's BackendTLSPolicy (apis/v1/backendtlspolicy_types.go): Envoy originates TLS to the
 * targeted Service ports, with the hostname as SNI and as the name the certificate must carry (or
 * the subjectAltNames), trusting the ConfigMaps' ca.crt or the system's CAs; an unresolvable CA
 * reference makes requests to the backend fail with a 5xx.
 */
class BackendTlsPolicyTranslationTest {
  private static final String SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: billing, namespace: shop}
      spec: {ports: [{name: https, port: 443}, {name: admin, port: 9443}]}
      ---
      """;

  private static String policy(String validation) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: billing, namespace: shop}
        spec:
          targetRefs: [{group: "", kind: Service, name: billing, sectionName: https}]
          validation: %s
        ---
        """
        .formatted(validation);
  }

  private static ParseResult parse(String yaml) {
    return new ResourceParser().parse(List.of(new WatchedDirectory.File("b.yaml", yaml)));
  }

  private static Cluster cluster(ParseResult result, String name) {
    assertThat(result).as(result.toString()).isInstanceOf(ParseResult.Parsed.class);
    return new Translator()
        .translate(((ParseResult.Parsed) result).state()).clusters().stream()
            .filter(c -> c.getName().equals(name))
            .findFirst()
            .orElseThrow();
  }

  private static UpstreamTlsContext tls(Cluster cluster) throws Exception {
    return cluster.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
  }

  @Test
  void theSystemsCasAndTheHostnameAsSniAndName() throws Exception {
    ParseResult result =
        parse(SERVICE + policy("{hostname: billing.example.com, wellKnownCACertificates: System}"));

    UpstreamTlsContext tls = tls(cluster(result, "shop/billing:https"));
    assertThat(tls.getSni()).isEqualTo("billing.example.com");
    CertificateValidationContext validation = tls.getCommonTlsContext().getValidationContext();
    assertThat(validation.hasSystemRootCerts()).isTrue();
    assertThat(validation.getMatchTypedSubjectAltNamesList())
        .extracting(m -> m.getSanType() + " " + m.getMatcher().getExact())
        .containsExactly("DNS billing.example.com");
    assertThat(cluster(result, "shop/billing:admin").hasTransportSocket()).isFalse();
  }

  @Test
  void aConfigMapsBundleAndSubjectAltNames() throws Exception {
    String configMap =
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: billing-ca, namespace: shop}
        data:
          ca.crt: |
        %s
        ---
        """
            .formatted(TlsFixtures.RSA_CERT.indent(4));
    ParseResult result =
        parse(
            SERVICE
                + configMap
                + policy(
                    "{hostname: billing.example.com, caCertificateRefs: [{group: \"\", kind:"
                        + " ConfigMap, name: billing-ca}], subjectAltNames: [{type: URI, uri:"
                        + " \"spiffe://shop/billing\"}, {type: Hostname, hostname: billing.internal}]}"));

    UpstreamTlsContext tls = tls(cluster(result, "shop/billing:https"));
    CertificateValidationContext validation = tls.getCommonTlsContext().getValidationContext();
    assertThat(validation.getTrustedCa().getInlineString()).contains("BEGIN CERTIFICATE");
    assertThat(validation.getMatchTypedSubjectAltNamesList())
        .extracting(m -> m.getSanType() + " " + m.getMatcher().getExact())
        .containsExactly("URI spiffe://shop/billing", "DNS billing.internal");
  }

  @Test
  void aMissingCaConfigMapFailsRequestsAndIsNamed() {
    ParseResult result =
        parse(
            SERVICE
                + policy(
                    "{hostname: billing.example.com, caCertificateRefs: [{group: \"\", kind:"
                        + " ConfigMap, name: nowhere}]}"));

    assertThat(((ParseResult.Invalid) result).errors())
        .extracting(ResourceError::toString)
        .containsExactly(
            "BackendTLSPolicy shop/billing spec.validation.caCertificateRefs[0]:"
                + " InvalidCACertificateRef: ConfigMap shop/nowhere not found; requests to its"
                + " backends fail");
  }

  @Test
  void whatTheSchemaRefusesIsNamed() {
    ParseResult result =
        parse(
            SERVICE
                + policy(
                        "{hostname: \"*.example.com\", wellKnownCACertificates: Mozilla,"
                            + " caCertificateRefs: [{group: \"\", kind: Secret, name: x}],"
                            + " subjectAltNames: [{type: URI, hostname: a.example.com}]}")
                    .replace("kind: Service, name: billing", "kind: Pod, name: billing"));

    assertThat(((ParseResult.Invalid) result).errors())
        .extracting(ResourceError::toString)
        .containsExactlyInAnyOrder(
            "b.yaml (document 2) spec.targetRefs[0]: must be a Service (group \"\", kind Service)",
            "b.yaml (document 2) spec.validation.hostname: must be a DNS name without a wildcard,"
                + " was '*.example.com'",
            "b.yaml (document 2) spec.validation.wellKnownCACertificates: must be System, was"
                + " 'Mozilla'",
            "b.yaml (document 2) spec.validation.caCertificateRefs[0]: must be a ConfigMap (group"
                + " \"\", kind ConfigMap), was Secret x: InvalidKind",
            "b.yaml (document 2) spec.validation: exactly one of caCertificateRefs or"
                + " wellKnownCACertificates is required",
            "b.yaml (document 2) spec.validation.subjectAltNames[0]: type Hostname with hostname,"
                + " or type URI with uri");
  }

  private static String configMap(String name, String caCrt) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: %s, namespace: shop}
        data:
          ca.crt: |
        %s
        ---
        """
        .formatted(name, caCrt.indent(4));
  }

  private static String namedPolicy(String name, String target, String hostname) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: %s, namespace: shop}
        spec:
          targetRefs: [%s]
          validation: {hostname: %s, wellKnownCACertificates: System}
        ---
        """
        .formatted(name, target, hostname);
  }

  private static String sni(ParseResult result, String cluster) throws Exception {
    Cluster found = cluster(result, cluster);
    return found.hasTransportSocket() ? tls(found).getSni() : "";
  }

  /**
   * backendtlspolicy-conflict-resolution.go: two policies on one Service conflict and the first by
   * namespace/name wins a creation-time tie; one naming a port and one naming the whole Service do
   * not conflict, and the port's own policy applies to it.
   */
  @Test
  void aPortsOwnPolicyWinsItAndOfTwoForOneTargetTheFirstWins() throws Exception {
    String whole = "{group: \"\", kind: Service, name: billing}";
    String https = "{group: \"\", kind: Service, name: billing, sectionName: https}";
    ParseResult result =
        parse(
            SERVICE
                + namedPolicy("a-whole", whole, "whole.example.com")
                + namedPolicy("b-whole", whole, "loser.example.com")
                + namedPolicy("z-port", https, "port.example.com"));

    assertThat(sni(result, "shop/billing:https")).isEqualTo("port.example.com");
    assertThat(sni(result, "shop/billing:admin")).isEqualTo("whole.example.com");
    ClusterState state = ((ParseResult.Parsed) result).state();
    assertThat(BackendTlsReports.of(state, Map.of()))
        .extracting(
            r -> r.policyKey() + " " + r.accepted().reason() + ": " + r.accepted().message())
        .containsExactlyInAnyOrder(
            "shop/a-whole Accepted: TLS to Service shop/billing as whole.example.com",
            "shop/b-whole Conflicted: Service shop/billing (held by the older shop/a-whole)",
            "shop/z-port Accepted: TLS to Service shop/billing:https as port.example.com");
  }

  /**
   * backendtlspolicy-invalid-kind.go and -invalid-ca-certificate-ref.go: a reference to another
   * kind, to a ConfigMap without ca.crt or whose ca.crt is no certificate makes ResolvedRefs false
   * with the API's reason, Accepted false (NoValidCACertificate) when none resolves, and the
   * requests fail.
   */
  @Test
  void unresolvableCaReferencesAreNamedWithTheApisReasons(@TempDir Path directory)
      throws Exception {
    String yaml =
        SERVICE
            + configMap("garbled", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")
            + policy(
                "{hostname: billing.example.com, caCertificateRefs: [{group: \"\", kind:"
                    + " Secret, name: x}, {group: \"\", kind: ConfigMap, name: garbled}]}");

    assertThat(((ParseResult.Invalid) parse(yaml)).errors())
        .extracting(ResourceError::toString)
        .containsExactly(
            "BackendTLSPolicy shop/billing spec.validation.caCertificateRefs[0]: InvalidKind: must"
                + " be a ConfigMap (group \"\", kind ConfigMap), was Secret x; requests to its"
                + " backends fail",
            "BackendTLSPolicy shop/billing spec.validation.caCertificateRefs[1]:"
                + " InvalidCACertificateRef: ConfigMap shop/garbled ca.crt: PEM block 1 is not a"
                + " valid X.509 certificate; requests to its backends fail");
    // Served from a directory, the policy is kept, and makes the requests fail.
    Files.writeString(directory.resolve("b.yaml"), yaml);
    List<ClusterState> served = new ArrayList<>();
    try (ResourceDirectory resources =
        new ResourceDirectory(directory, Duration.ofHours(1), served::add)) {
      assertThat(resources.lastErrors()).as(resources.lastErrors().toString()).hasSize(2);
      assertThat(served).as(resources.lastErrors().toString()).isNotEmpty();
    }
    ClusterState state = served.get(0);
    Cluster cluster =
        new Translator()
            .translate(state).clusters().stream()
                .filter(c -> c.getName().equals("shop/billing:https"))
                .findFirst()
                .orElseThrow();
    assertThat(cluster.getLoadAssignment().getEndpointsCount()).isZero();
    BackendTlsReport report = BackendTlsReports.of(state, Map.of()).get(0);
    assertThat(report.accepted().reason()).isEqualTo("NoValidCACertificate");
    assertThat(report.resolvedRefs().orElseThrow().reason()).isEqualTo("InvalidKind");
  }

  private static final String ROUTE_NEEDING_TLS =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: shop}
      spec:
        gatewayClassName: attache
        listeners: [{name: web, port: 8000, protocol: HTTP}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata:
        name: pay
        namespace: shop
        annotations: {attache.io/backend-tls: shop/billing:443}
      spec:
        parentRefs: [{name: edge}]
        rules: [{backendRefs: [{name: billing, port: 443}]}]
      ---
      """;

  /**
   * attache.io/backend-tls (what an Emissary https:// service becomes): the backend resolves only
   * once a BackendTLSPolicy makes its cluster originate TLS; until then its requests fail.
   */
  @Test
  void aBackendThatNeedsTlsFailsUntilAPolicyCoversIt() throws Exception {
    ClusterState without = ((ParseResult.Parsed) parse(SERVICE + ROUTE_NEEDING_TLS)).state();

    RouteStatus status = new RouteResolver().resolve(without).statuses().get(0);
    assertThat(status.resolvedRefs().reason()).isEqualTo("BackendTLSRequired");
    assertThat(status.resolvedRefs().message())
        .contains("backend shop/billing:443 must be reached over TLS");
    Route refused =
        new Translator()
            .translate(without).routes().stream()
                .filter(r -> r.getName().equals("shop/edge:8000"))
                .findFirst()
                .orElseThrow()
                .getVirtualHosts(0)
                .getRoutes(0);
    assertThat(refused.getDirectResponse().getStatus()).isEqualTo(500);

    ParseResult with =
        parse(
            SERVICE
                + ROUTE_NEEDING_TLS
                + policy("{hostname: billing.example.com, wellKnownCACertificates: System}"));
    assertThat(new RouteResolver().resolve(((ParseResult.Parsed) with).state()).statuses())
        .allMatch(RouteStatus::healthy);
    assertThat(tls(cluster(with, "shop/billing:https")).getSni()).isEqualTo("billing.example.com");
  }
}
