package io.attache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
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
    EnvoyBootstrapCommand command = new EnvoyBootstrapCommand();
    command.nodeId = "edge-1";
    command.nodeCluster = "edge";
    command.xds = "cp.attache.svc:18000";
    command.extAuthz = "authz.attache.svc:9001";
    command.ratelimit = "rl.attache.svc:8081";
    command.adminPort = 9901;

    Object yaml = new Load(LoadSettings.builder().build()).loadFromString(command.render());
    String json = new com.google.gson.Gson().toJson((Map<?, ?>) yaml);
    Bootstrap.Builder bootstrap = Bootstrap.newBuilder();
    JsonFormat.parser()
        .usingTypeRegistry(
            TypeRegistry.newBuilder().add(HttpProtocolOptions.getDescriptor()).build())
        .merge(json, bootstrap);

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
}
