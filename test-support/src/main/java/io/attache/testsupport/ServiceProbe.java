package io.attache.testsupport;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Asks a running service how it is, as Kubernetes probes and Envoy health checks would. */
public final class ServiceProbe {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ServiceProbe() {}

  /** The status {@code grpc.health.v1.Health/Check} reports for the whole server, e.g. SERVING. */
  public static String grpcHealth(String host, int port) {
    ManagedChannel channel = ManagedChannelBuilder.forAddress(host, port).usePlaintext().build();
    try {
      return HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance())
          .getStatus()
          .name();
    } finally {
      channel.shutdownNow();
    }
  }

  /** GETs {@code http://host:port/path}. */
  public static HttpResponse<String> get(String host, int port, String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + path + " on port " + port + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
