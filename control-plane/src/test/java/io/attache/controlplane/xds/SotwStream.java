package io.attache.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A state-of-the-world ADS stream driven by hand, as a test needs it to be: each request exactly as
 * written (with the node on every one, as Envoy sends it), every response queued.
 */
final class SotwStream implements AutoCloseable {
  private final Node node;
  private final BlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
  private final StreamObserver<DiscoveryRequest> requests;

  SotwStream(Channel channel, Node node) {
    this.node = node;
    this.requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel)
            .streamAggregatedResources(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DiscoveryResponse response) {
                    responses.add(response);
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
  }

  /** The first request for {@code typeUrl}: {@code names}, or every resource when none. */
  void subscribe(String typeUrl, String... names) {
    requests.onNext(request(typeUrl, names).build());
  }

  /**
   * A first request as go-control-plane's client sends it after a reconnect: the version it holds
   * and the last nonce of its previous stream.
   */
  void resubscribe(String typeUrl, String version, String oldNonce) {
    requests.onNext(request(typeUrl).setVersionInfo(version).setResponseNonce(oldNonce).build());
  }

  /** A first request that says it holds {@code version} already (a client reconnecting). */
  void subscribeAt(String typeUrl, String version, String... names) {
    requests.onNext(request(typeUrl, names).setVersionInfo(version).build());
  }

  /** Accepts {@code response}, staying subscribed to {@code names}. */
  void ack(DiscoveryResponse response, String... names) {
    requests.onNext(
        request(response.getTypeUrl(), names)
            .setVersionInfo(response.getVersionInfo())
            .setResponseNonce(response.getNonce())
            .build());
  }

  /**
   * Rejects {@code response} with {@code message}, keeping {@code keptVersion} of {@code names}.
   */
  void nack(DiscoveryResponse response, String keptVersion, String message, String... names) {
    requests.onNext(
        request(response.getTypeUrl(), names)
            .setVersionInfo(keptVersion)
            .setResponseNonce(response.getNonce())
            .setErrorDetail(Status.newBuilder().setCode(3).setMessage(message))
            .build());
  }

  /** The next response, which must be of {@code typeUrl} and come within 10 seconds. */
  DiscoveryResponse next(String typeUrl) throws InterruptedException {
    DiscoveryResponse response = responses.poll(10, TimeUnit.SECONDS);
    assertThat(response).as("a %s response within 10 s", typeUrl).isNotNull();
    assertThat(response.getTypeUrl()).isEqualTo(typeUrl);
    return response;
  }

  /** Responses received and not yet taken. */
  BlockingQueue<DiscoveryResponse> responses() {
    return responses;
  }

  private DiscoveryRequest.Builder request(String typeUrl, String... names) {
    return DiscoveryRequest.newBuilder()
        .setNode(node)
        .setTypeUrl(typeUrl)
        .addAllResourceNames(List.of(names));
  }

  @Override
  public void close() {
    requests.onCompleted();
  }
}
