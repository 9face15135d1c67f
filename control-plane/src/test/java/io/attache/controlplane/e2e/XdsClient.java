package io.attache.controlplane.e2e;

import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.grpc.xds.XdsNameResolverProvider;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A proxyless grpc-xds client of our control plane: its own resolver scheme (grpc-xds reads a
 * bootstrap once per JVM, so each test registers a fresh one) and a channel to {@code
 * xds:///target}.
 */
final class XdsClient implements AutoCloseable {
  private final NameResolverProvider resolver;
  private final ManagedChannel channel;

  XdsClient(int controlPlanePort, String nodeId, String target) {
    String scheme = "xds-" + UUID.randomUUID().toString().substring(0, 8);
    resolver =
        XdsNameResolverProvider.createForTest(
            scheme,
            Map.of(
                "xds_servers",
                List.of(
                    Map.of(
                        "server_uri", "127.0.0.1:" + controlPlanePort,
                        "channel_creds", List.of(Map.of("type", "insecure")),
                        "server_features", List.of("xds_v3"))),
                "node",
                Map.of("id", nodeId, "cluster", "tests")));
    NameResolverRegistry.getDefaultRegistry().register(resolver);
    channel =
        Grpc.newChannelBuilder(scheme + ":///" + target, InsecureChannelCredentials.create())
            .build();
  }

  /** One health check through the routed channel. */
  void call() {
    call(Map.of());
  }

  /** One health check with these request headers (gRPC metadata), which routes may match. */
  void call(Map<String, String> headers) {
    Metadata metadata = new Metadata();
    headers.forEach(
        (k, v) -> metadata.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    HealthGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance());
  }

  /**
   * Opens the health service's Watch stream (a method other than Check), reads its first answer and
   * cancels it.
   */
  void watchOnce() {
    Context.CancellableContext context = Context.current().withCancellation();
    try {
      context.call(
          () ->
              HealthGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(5, TimeUnit.SECONDS)
                  .watch(HealthCheckRequest.getDefaultInstance())
                  .next());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      context.cancel(null);
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    NameResolverRegistry.getDefaultRegistry().deregister(resolver);
  }
}
