package io.attache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TranslateCommandTest {

  @Test
  void theExampleServiceBecomesAClusterEndpointsAListenerAndARoute() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit =
        TranslateCommand.translate(
            List.of(Path.of("..", "examples", "cluster", "echo.yaml")),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
    JsonObject xds = JsonParser.parseString(out.toString(StandardCharsets.UTF_8)).getAsJsonObject();
    assertThat(xds.getAsJsonArray("clusters").get(0).getAsJsonObject().get("name").getAsString())
        .isEqualTo("default/echo:grpc");
    assertThat(xds.getAsJsonArray("endpoints")).hasSize(1);
    assertThat(xds.getAsJsonArray("listeners").get(0).getAsJsonObject().get("name").getAsString())
        .isEqualTo("echo.default:8080");
    assertThat(xds.getAsJsonArray("routes")).hasSize(1);
  }

  @Test
  void aBrokenFileIsReportedAndExitsTwo(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("bad.yaml");
    java.nio.file.Files.writeString(
        file, "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: -1}]}\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit =
        TranslateCommand.translate(
            List.of(file),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad.yaml");
  }

  @Test
  void yamlOutputHoldsTheSameResources() {
    String yaml =
        TranslateCommand.toYaml(
            "{\"clusters\": [{\"name\": \"default/echo:grpc\", \"type\": \"EDS\"}]}");

    assertThat(yaml)
        .contains("clusters:")
        .contains("- name: default/echo:grpc")
        .contains("type: EDS");
  }

  @Test
  void aRouteTargetedByAnAuthPolicyPrintsItsExtAuthzSettings(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    java.nio.file.Files.writeString(
        policy,
        """
        apiVersion: attache.io/v1alpha1
        kind: AuthPolicy
        metadata: {name: echo-auth, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: echo}]
          identity: [{anonymous: {}}]
        """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit =
        TranslateCommand.translate(
            List.of(
                Path.of("..", "examples", "cluster", "echo.yaml"),
                Path.of("..", "examples", "cluster", "gateway.yaml"),
                policy),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String json = out.toString(StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"name\": \"default/edge:8000\"")
        .contains("type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute")
        .contains("\"attache.io/route\": \"default/echo\"")
        .contains("\"name\": \"attache.ext-authz\"");
  }

  @Test
  void theKubernetesExamplesTranslateFromTheirDirectory() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit =
        TranslateCommand.translate(
            List.of(Path.of("..", "examples", "kubernetes")),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("\"name\": \"shop/edge:8000\"")
        .contains("\"lbPolicy\": \"RING_HASH\"")
        .contains("\"domain\": \"shop\"")
        .contains("\"name\": \"attache.ratelimit\"");
  }

  @Test
  void theQuickstartRoutesItsGrpcClientsThroughItsHttpRoute() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit =
        TranslateCommand.translate(
            List.of(Path.of("..", "examples", "cluster")),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
    JsonObject xds = JsonParser.parseString(out.toString(StandardCharsets.UTF_8)).getAsJsonObject();
    JsonObject grpcRoutes = null;
    for (var route : xds.getAsJsonArray("routes")) {
      if (route.getAsJsonObject().get("name").getAsString().equals("echo.default:8080")) {
        grpcRoutes = route.getAsJsonObject();
      }
    }
    assertThat(grpcRoutes).isNotNull();
    assertThat(grpcRoutes.toString()).contains("default/echo/rule/0/match/0");
  }

  @Test
  void anHttpsGatewayPrintsItsTlsChainAndItsSecretWithTheKeyRedacted(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path tls = Path.of("..", "control-plane", "src", "test", "resources", "tls");
    String cert = java.nio.file.Files.readString(tls.resolve("shop-rsa.crt"));
    String key = java.nio.file.Files.readString(tls.resolve("shop-rsa.key"));
    Path gateway = dir.resolve("gateway.yaml");
    java.nio.file.Files.writeString(
        gateway,
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: shop}
        spec:
          gatewayClassName: attache
          listeners:
            - name: store
              port: 8443
              protocol: HTTPS
              hostname: store.example.com
              tls: {certificateRefs: [{name: store-cert}]}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: store-cert, namespace: shop}
        type: kubernetes.io/tls
        stringData:
          tls.crt: |
        %s
          tls.key: |
        %s
        """
            .formatted(cert.indent(4), key.indent(4)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit =
        TranslateCommand.translate(
            List.of(gateway),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String json = out.toString(StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"serverNames\"")
        .contains(
            "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext")
        .contains("\"name\": \"shop/store-cert\"")
        .contains("[redacted]")
        .doesNotContain("PRIVATE KEY");
  }

  /** Every route kind the control plane reads shows in what translate prints. */
  @Test
  void grpcTlsAndTcpRoutesTranslate(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path file = dir.resolve("routes.yaml");
    java.nio.file.Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec: {ports: [{name: pg, port: 5432}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: shop}
        spec:
          gatewayClassName: attache
          listeners:
          - {name: web, port: 8080, protocol: HTTP}
          - {name: tls, port: 8443, protocol: TLS, tls: {mode: Passthrough}}
          - {name: tcp, port: 5432, protocol: TCP}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: api, namespace: shop}
        spec:
          parentRefs: [{name: edge, sectionName: web}]
          rules: [{matches: [{method: {service: shop.Api, method: Get}}], backendRefs: [{name: db, port: 5432}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: TLSRoute
        metadata: {name: db, namespace: shop}
        spec:
          parentRefs: [{name: edge, sectionName: tls}]
          hostnames: [db.example.com]
          rules: [{backendRefs: [{name: db, port: 5432}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: TCPRoute
        metadata: {name: db, namespace: shop}
        spec:
          parentRefs: [{name: edge, sectionName: tcp}]
          rules: [{backendRefs: [{name: db, port: 5432}]}]
        """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit =
        TranslateCommand.translate(
            List.of(file),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String json = out.toString(StandardCharsets.UTF_8).replaceAll("\\s", "");
    assertThat(json)
        .contains("\"path\":\"/shop.Api/Get\"")
        .contains("\"name\":\"shop/edge:8443\"")
        .contains("\"serverNames\":[\"db.example.com\"]")
        .contains("\"name\":\"shop/edge:5432\"")
        .contains("envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy");
  }
}
