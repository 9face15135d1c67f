package io.attache.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.events.InMemoryEventSink;
import io.attache.runtime.host.ServiceHost;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServiceHostTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicBoolean ready = new AtomicBoolean(false);
  private final ServiceHost host =
      ServiceHost.builder("test-service")
          .host("127.0.0.1")
          .events(new InMemoryEventSink())
          .ready(ready::get)
          .adminRoute("/config_dump", () -> AdminServer.Response.json("{\"answer\":42}"))
          .adminHandler(
              "/echo",
              AdminServer.Handler.ofQuery(
                  query -> AdminServer.Response.text(200, query.toString())))
          .start();
  private final ManagedChannel channel =
      ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();

  @AfterEach
  void stop() {
    channel.shutdownNow();
    host.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.adminPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void grpcHealthAnswersServing() {
    ServingStatus status =
        HealthGrpc.newBlockingStub(channel)
            .check(HealthCheckRequest.getDefaultInstance())
            .getStatus();

    assertThat(status).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void livenessIsOkWhileReadinessFollowsTheService() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/readyz").statusCode()).isEqualTo(503);

    ready.set(true);

    assertThat(get("/readyz").statusCode()).isEqualTo(200);
  }

  @Test
  void metricsExposeTheEventSinkCountersInPrometheusFormat() throws Exception {
    HttpResponse<String> metrics = get("/metrics");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("attache_events_published_total")
        .contains("attache_events_dropped_total")
        .contains("attache_events_spool_bytes");
  }

  @Test
  void metricsSayWhichVersionIsRunning() throws Exception {
    assertThat(BuildInfo.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(get("/metrics").body())
        .contains("attache_build_info{version=\"" + BuildInfo.version() + "\"} 1");
  }

  @Test
  void metricsExposeTheJvmAndProcessUnderMicrometersStandardNames() throws Exception {
    assertThat(get("/metrics").body())
        .contains("jvm_memory_used_bytes{area=\"heap\"")
        .contains("jvm_threads_live_threads")
        .contains("jvm_classes_loaded_classes")
        .contains("process_cpu_usage")
        .contains("process_uptime_seconds")
        .contains("process_files_open_files");
  }

  @Test
  void serviceRoutesAreServedAndUnknownPathsAreNotFound() throws Exception {
    assertThat(get("/config_dump").body()).isEqualTo("{\"answer\":42}");
    assertThat(get("/config_dump/extra").statusCode()).isEqualTo(404);
  }

  @Test
  void queryHandlersReceiveTheDecodedParameters() throws Exception {
    assertThat(get("/echo?group=edge%20fleet&resources=true&flag").body())
        .isEqualTo("{group=edge fleet, resources=true, flag=}");
  }

  @Test
  void closingStopsTakingCalls() {
    host.close();

    assertThatThrownBy(
            () ->
                HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class);
  }

  /**
   * Issue #22: a host that cannot start closes what its caller registered, so no app needs a
   * rollback of its own. Here the gRPC port is the running host's own.
   */
  @Test
  void aHostThatCannotStartClosesWhatWasRegisteredWithIt() {
    AtomicBoolean closed = new AtomicBoolean();

    assertThatThrownBy(
            () ->
                ServiceHost.builder("second")
                    .host("127.0.0.1")
                    .grpcPort(host.grpcPort())
                    .events(new InMemoryEventSink())
                    .onClose(() -> closed.set(true))
                    .start())
        .hasMessageContaining("cannot listen on gRPC port");
    assertThat(closed).isTrue();
  }
}
