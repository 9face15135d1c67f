package io.attache.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.runtime.InvalidSettingsException;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.ServiceProbe;
import io.attache.testsupport.otel.OtlpReceiver;
import io.attache.testsupport.tls.MutualTls;
import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneAppTest {

  @Test
  void startsFromSettingsAndAnswersHealthOverGrpcAndHttp() {
    Settings settings =
        new Settings(Map.of("HOST", "127.0.0.1", "GRPC_PORT", "0", "ADMIN_PORT", "0"));
    try (ServiceHost host = ControlPlaneApp.start(settings)) {
      assertThat(ServiceProbe.grpcHealth("127.0.0.1", host.grpcPort())).isEqualTo("SERVING");
      assertThat(ServiceProbe.get("127.0.0.1", host.adminPort(), "/healthz").statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void servesTheAccessLogService() throws Exception {
    Settings settings =
        new Settings(Map.of("HOST", "127.0.0.1", "GRPC_PORT", "0", "ADMIN_PORT", "0"));
    try (ServiceHost host = ControlPlaneApp.start(settings)) {
      streamOneAccessLogStream(
          NettyChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build());
    }
  }

  /**
   * {@code GRPC_SERVER_USE_TLS} and a client CA cover the whole port: ADS and the access log
   * service alike (one server), as the reference rate-limit service's variables name them.
   */
  @Test
  void servesTheAccessLogServiceOverMutualTls(@TempDir Path dir) throws Exception {
    MutualTls tls = new MutualTls(dir, "envoy");
    Map<String, String> env = tls.serverSettings();
    env.putAll(Map.of("HOST", "127.0.0.1", "GRPC_PORT", "0", "ADMIN_PORT", "0"));
    try (ServiceHost host = ControlPlaneApp.start(new Settings(env))) {
      streamOneAccessLogStream(tls.channel(host.grpcPort()));
    }
  }

  /**
   * Issue #22, as a new user tried it: a directory where one Gateway has a listener the control
   * plane cannot serve (TLS passthrough) among a valid Service and route. The control plane turns
   * ready at once and lists the one problem; the Gateway's HTTP listener is served.
   */
  @Test
  void aDirectoryWithOneUnservableListenerTurnsReadyAndServesTheRest(@TempDir Path dir)
      throws Exception {
    java.nio.file.Files.writeString(
        dir.resolve("all.yaml"),
        """
        apiVersion: v1
        kind: Service
        metadata: {name: echo, namespace: default}
        spec:
          ports: [{port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: default}
        spec:
          gatewayClassName: attache
          listeners:
            - {name: web, port: 8000, protocol: HTTP}
            - {name: passthrough, port: 8443, protocol: UDP}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: store, namespace: default}
        spec:
          parentRefs: [{name: edge, sectionName: web}]
          rules: [{backendRefs: [{name: echo, port: 8080}]}]
        """);
    Settings settings =
        new Settings(
            Map.of(
                "HOST", "127.0.0.1",
                "GRPC_PORT", "0",
                "ADMIN_PORT", "0",
                "ATTACHE_RESOURCES_DIR", dir.toString()));
    try (ServiceHost host = ControlPlaneApp.start(settings)) {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(
              () -> ServiceProbe.get("127.0.0.1", host.adminPort(), "/readyz").statusCode() == 200);
      String errors = ServiceProbe.get("127.0.0.1", host.adminPort(), "/resource-errors").body();
      assertThat(errors).contains("spec.listeners[1].protocol").doesNotContain("listeners[0]");
      String dump = ServiceProbe.get("127.0.0.1", host.adminPort(), "/config_dump").body();
      assertThat(dump).contains("default/edge:8000").doesNotContain("default/edge:8443");
    }
  }

  /** With tracing on, each snapshot push is a span at a real OTLP receiver (issue #21). */
  @Test
  void eachSnapshotPushIsASpan() {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      Settings settings =
          new Settings(
              Map.of(
                  "HOST", "127.0.0.1",
                  "GRPC_PORT", "0",
                  "ADMIN_PORT", "0",
                  "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                  "OTEL_BSP_SCHEDULE_DELAY", "50"));
      try (ServiceHost host = ControlPlaneApp.start(settings)) {
        OtlpReceiver.ReceivedSpan push =
            receiver.await(
                s -> s.span().getName().equals("xDS push"), java.time.Duration.ofSeconds(10));
        assertThat(push.service()).isEqualTo("control-plane");
        assertThat(push.attribute("xds.snapshot")).contains("1");
      }
    }
  }

  private static void streamOneAccessLogStream(ManagedChannel channel) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      AccessLogServiceGrpc.newStub(channel)
          .streamAccessLogs(
              new StreamObserver<StreamAccessLogsResponse>() {
                @Override
                public void onNext(StreamAccessLogsResponse response) {}

                @Override
                public void onError(Throwable t) {
                  done.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                  done.complete(null);
                }
              })
          .onCompleted();

      assertThat(done).succeedsWithin(java.time.Duration.ofSeconds(10));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBadPortIsRejectedByName() {
    Settings settings = new Settings(Map.of("GRPC_PORT", "eighty"));

    assertThatThrownBy(() -> ControlPlaneApp.start(settings))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("GRPC_PORT=eighty: not a whole number");
  }

  @Test
  void aConnectionAgeThatIsNotADurationIsRejectedByName() {
    Settings settings = new Settings(Map.of("GRPC_MAX_CONNECTION_AGE", "a day"));

    assertThatThrownBy(() -> ControlPlaneApp.start(settings))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("GRPC_MAX_CONNECTION_AGE=a day: not a duration");
  }
}
