package io.attache.charts;

import static io.attache.charts.RenderedChart.render;
import static io.attache.charts.RenderedChart.renderWithValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code tls}: every component serves its gRPC port over (m)TLS from a mounted Secret that
 * cert-manager may issue, and Emissary's AuthService and RateLimitService reach them over TLS.
 */
class ChartTlsTest {
  private static final List<String> COMPONENTS =
      List.of("ratelimit-service", "ext-authz", "control-plane");

  private static final String CERT_MANAGER =
      """
      tls:
        enabled: true
        certManager: {enabled: true, issuerRef: {name: internal-ca, kind: ClusterIssuer}}
      """;

  @Test
  void withoutTlsNothingIsMountedAndNoCertificateIsMade() {
    RenderedChart chart = render();

    assertThat(chart.all("Certificate")).isEmpty();
    for (String component : COMPONENTS) {
      assertThat(chart.env(component)).doesNotContainKey("GRPC_SERVER_USE_TLS");
    }
  }

  @Test
  void everyComponentServesTlsFromTheMountedSecret() {
    RenderedChart chart = renderWithValues(CERT_MANAGER);

    for (String component : COMPONENTS) {
      assertThat(chart.envValue(component, "GRPC_SERVER_USE_TLS")).isEqualTo("true");
      assertThat(chart.envValue(component, "GRPC_SERVER_TLS_CERT"))
          .isEqualTo("/etc/attache/tls/tls.crt");
      assertThat(chart.envValue(component, "GRPC_SERVER_TLS_KEY"))
          .isEqualTo("/etc/attache/tls/tls.key");
      assertThat(chart.env(component)).doesNotContainKey("GRPC_CLIENT_TLS_CACERT");
      PodSpec pod = chart.deployment(component).getSpec().getTemplate().getSpec();
      Volume tls =
          pod.getVolumes().stream()
              .filter(v -> v.getName().equals("tls"))
              .findFirst()
              .orElseThrow();
      assertThat(tls.getSecret().getSecretName()).isEqualTo("rel-attache-tls");
      assertThat(chart.container(component).getVolumeMounts())
          .anySatisfy(
              mount -> {
                assertThat(mount.getName()).isEqualTo("tls");
                assertThat(mount.getMountPath()).isEqualTo("/etc/attache/tls");
              });
    }
  }

  @Test
  void certManagerIssuesOneCertificateNamingEveryServiceIntoThatSecret() {
    GenericKubernetesResource certificate =
        renderWithValues(CERT_MANAGER).get("Certificate", "rel-attache-tls");

    assertThat(certificate.getApiVersion()).isEqualTo("cert-manager.io/v1");
    Map<String, Object> spec = spec(certificate);
    assertThat(spec.get("secretName")).isEqualTo("rel-attache-tls");
    assertThat(spec.get("issuerRef"))
        .isEqualTo(
            Map.of("name", "internal-ca", "kind", "ClusterIssuer", "group", "cert-manager.io"));
    @SuppressWarnings("unchecked")
    List<String> dnsNames = (List<String>) spec.get("dnsNames");
    assertThat(dnsNames)
        .contains(
            "rel-ext-authz",
            "rel-ext-authz.shop",
            "rel-ext-authz.shop.svc",
            "rel-ext-authz.shop.svc.cluster.local",
            "rel-ratelimit-service.shop.svc.cluster.local",
            "rel-control-plane.shop.svc.cluster.local");
  }

  @Test
  void mutualTlsReadsTheClientCaAndSanFromTheirOwnSecret() {
    RenderedChart chart =
        renderWithValues(
            """
            tls:
              enabled: true
              secretName: attache-serving
              clientCA: {enabled: true, secretName: mesh-ca, key: root.pem}
              clientSAN: spiffe://cluster.local/ns/ambassador/sa/ambassador
            """);

    assertThat(chart.all("Certificate")).isEmpty();
    assertThat(chart.envValue("ext-authz", "GRPC_CLIENT_TLS_CACERT"))
        .isEqualTo("/etc/attache/client-ca/root.pem");
    assertThat(chart.envValue("ext-authz", "GRPC_CLIENT_TLS_SAN"))
        .isEqualTo("spiffe://cluster.local/ns/ambassador/sa/ambassador");
    PodSpec pod = chart.deployment("ext-authz").getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .extracting(
            v -> v.getName() + "=" + (v.getSecret() == null ? "" : v.getSecret().getSecretName()))
        .contains("tls=attache-serving", "client-ca=mesh-ca");
  }

  @Test
  void withTlsEmissaryReachesTheServicesAtHttpsAddressesPresentingItsCertificate() {
    RenderedChart chart =
        renderWithValues(
            """
            tls: {enabled: true, secretName: attache-serving, clientCA: {enabled: true}}
            ambassador:
              clientCertificateSecret: emissary-client
              authService: {enabled: true}
              rateLimitService: {enabled: true}
            """);

    Map<String, Object> auth = spec(chart.get("AuthService", "rel-ext-authz"));
    assertThat(auth.get("auth_service")).isEqualTo("https://rel-ext-authz.shop:9001");
    assertThat(auth.get("tls")).isEqualTo("rel-attache-client");
    Map<String, Object> rls = spec(chart.get("RateLimitService", "rel-ratelimit-service"));
    assertThat(rls.get("service")).isEqualTo("https://rel-ratelimit-service.shop:8081");
    assertThat(rls.get("tls")).isEqualTo("rel-attache-client");
    Map<String, Object> context = spec(chart.get("TLSContext", "rel-attache-client"));
    assertThat(context)
        .containsEntry("secret", "emissary-client")
        .containsEntry("hosts", List.of());
  }

  @Test
  void theControlPlaneTellsEnvoyWhichFilesReachTheServicesOverTls() {
    RenderedChart chart =
        renderWithValues(
            CERT_MANAGER
                + """
                controlPlane:
                  envoyTls: {ca: /etc/envoy/attache/ca.crt, cert: /etc/envoy/attache/tls.crt, key: /etc/envoy/attache/tls.key}
                """);

    assertThat(chart.envValue("control-plane", "ATTACHE_ENVOY_TLS_CA"))
        .isEqualTo("/etc/envoy/attache/ca.crt");
    assertThat(chart.envValue("control-plane", "ATTACHE_ENVOY_TLS_CERT"))
        .isEqualTo("/etc/envoy/attache/tls.crt");
    assertThat(chart.envValue("control-plane", "ATTACHE_ENVOY_TLS_KEY"))
        .isEqualTo("/etc/envoy/attache/tls.key");
  }

  @Test
  void redisOverTlsTrustsTheCaAndPresentsTheCertificateOfItsSecret() {
    RenderedChart chart =
        renderWithValues(
            """
            ratelimit:
              redis:
                enabled: true
                url: redis.cache:6380
                tls: true
                tlsSecret: {name: redis-client, clientCertificate: true}
            """);

    assertThat(chart.envValue("ratelimit-service", "REDIS_TLS")).isEqualTo("true");
    assertThat(chart.envValue("ratelimit-service", "REDIS_TLS_CACERT"))
        .isEqualTo("/etc/attache/redis-tls/ca.crt");
    assertThat(chart.envValue("ratelimit-service", "REDIS_TLS_CLIENT_CERT"))
        .isEqualTo("/etc/attache/redis-tls/tls.crt");
    assertThat(chart.envValue("ratelimit-service", "REDIS_TLS_CLIENT_KEY"))
        .isEqualTo("/etc/attache/redis-tls/tls.key");
    assertThat(chart.deployment("ratelimit-service").getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("redis-tls");
              assertThat(v.getSecret().getSecretName()).isEqualTo("redis-client");
            });
  }

  @Test
  void inconsistentTlsValuesStopTheInstallNamingTheValue() {
    assertThatThrownBy(
            () ->
                RenderedChart.template("tls.enabled", true, "tls.certManager.enabled", true).call())
        .hasMessageContaining("tls.certManager.enabled needs tls.certManager.issuerRef.name");
    assertThatThrownBy(
            () -> RenderedChart.template("tls.enabled", true, "tls.clientSAN", "envoy").call())
        .hasMessageContaining("tls.clientSAN needs tls.clientCA.enabled");
    assertThatThrownBy(
            () -> RenderedChart.template("ambassador.clientCertificateSecret", "c").call())
        .hasMessageContaining("ambassador.clientCertificateSecret needs tls.enabled");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
  }
}
