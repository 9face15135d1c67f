package io.attache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The bootstrap is checked against Envoy's own Bootstrap proto, field by field (unknown fields
 * fail).
 */
class EnvoyBootstrapCommandTest {

  @Test
  void theBootstrapIsAValidEnvoyBootstrapWiredToAttache() throws Exception {
    Bootstrap.Builder bootstrap = parse(command("rl.attache.svc:8081").render());

    assertThat(bootstrap.getNode().getCluster()).isEqualTo("edge");
    assertThat(
            bootstrap
                .getDynamicResources()
                .getAdsConfig()
                .getGrpcServices(0)
                .getEnvoyGrpc()
                .getClusterName())
        .isEqualTo("attache-xds");
    assertThat(bootstrap.getStaticResources().getClustersList())
        .extracting(Cluster::getName)
        .containsExactly("attache-xds", "attache-ext-authz", "attache-ratelimit");
    assertThat(
            bootstrap
                .getStaticResources()
                .getClusters(2)
                .getLoadAssignment()
                .getEndpoints(0)
                .getLbEndpoints(0)
                .getEndpoint()
                .getAddress()
                .getSocketAddress()
                .getPortValue())
        .isEqualTo(8081);
  }

  /**
   * With {@code --tls-ca}, {@code --tls-cert} and {@code --tls-key} each cluster has a TLS
   * transport socket: Envoy's UpstreamTlsContext
   * (envoy/extensions/transport_sockets/tls/v3/tls.proto), with SNI and a SAN match for the host it
   * dials, ALPN h2 and the client certificate.
   */
  @Test
  void withTlsFilesEveryClusterOriginatesMutualTlsCheckingTheHostsName() throws Exception {
    EnvoyBootstrapCommand command = command("10.0.0.7:8081");
    command.tlsCa = "/etc/envoy/tls/ca.crt";
    command.tlsCert = "/etc/envoy/tls/tls.crt";
    command.tlsKey = "/etc/envoy/tls/tls.key";

    Bootstrap.Builder bootstrap = parse(command.render());

    Cluster authz = bootstrap.getStaticResources().getClusters(1);
    assertThat(authz.getTransportSocket().getName()).isEqualTo("envoy.transport_sockets.tls");
    UpstreamTlsContext tls =
        authz.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    assertThat(tls.getSni()).isEqualTo("authz.attache.svc");
    assertThat(tls.getCommonTlsContext().getAlpnProtocolsList()).containsExactly("h2");
    var validation = tls.getCommonTlsContext().getValidationContext();
    assertThat(validation.getTrustedCa().getFilename()).isEqualTo("/etc/envoy/tls/ca.crt");
    assertThat(validation.getMatchTypedSubjectAltNames(0).getSanType())
        .isEqualTo(SubjectAltNameMatcher.SanType.DNS);
    assertThat(validation.getMatchTypedSubjectAltNames(0).getMatcher().getExact())
        .isEqualTo("authz.attache.svc");
    assertThat(tls.getCommonTlsContext().getTlsCertificates(0).getPrivateKey().getFilename())
        .isEqualTo("/etc/envoy/tls/tls.key");
    UpstreamTlsContext byIp =
        bootstrap
            .getStaticResources()
            .getClusters(2)
            .getTransportSocket()
            .getTypedConfig()
            .unpack(UpstreamTlsContext.class);
    assertThat(byIp.getCommonTlsContext().getValidationContext().getMatchTypedSubjectAltNames(0))
        .extracting(SubjectAltNameMatcher::getSanType)
        .isEqualTo(SubjectAltNameMatcher.SanType.IP_ADDRESS);
  }

  private static EnvoyBootstrapCommand command(String ratelimit) {
    EnvoyBootstrapCommand command = new EnvoyBootstrapCommand();
    command.nodeId = "edge-1";
    command.nodeCluster = "edge";
    command.xds = "cp.attache.svc:18000";
    command.extAuthz = "authz.attache.svc:9001";
    command.ratelimit = ratelimit;
    command.adminPort = 9901;
    return command;
  }

  private static Bootstrap.Builder parse(String yamlText) throws Exception {
    Object yaml = new Load(LoadSettings.builder().build()).loadFromString(yamlText);
    String json = new com.google.gson.Gson().toJson((Map<?, ?>) yaml);
    Bootstrap.Builder bootstrap = Bootstrap.newBuilder();
    JsonFormat.parser()
        .usingTypeRegistry(
            TypeRegistry.newBuilder()
                .add(HttpProtocolOptions.getDescriptor())
                .add(UpstreamTlsContext.getDescriptor())
                .build())
        .merge(json, bootstrap);
    return bootstrap;
  }
}
