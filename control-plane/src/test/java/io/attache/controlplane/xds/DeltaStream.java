package io.attache.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An incremental (delta) ADS stream driven by hand: each request exactly as written, with the node
 * on every one, every response queued.
 */
final class DeltaStream implements AutoCloseable {
  private final Node node;
  private final BlockingQueue<DeltaDiscoveryResponse> responses = new LinkedBlockingQueue<>();
  private final StreamObserver<DeltaDiscoveryRequest> requests;

  DeltaStream(Channel channel, Node node) {
    this.node = node;
    this.requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel)
            .deltaAggregatedResources(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DeltaDiscoveryResponse response) {
                    responses.add(response);
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
  }

  /** Subscribes to {@code names} of {@code typeUrl}; to every resource (wildcard) when none. */
  void subscribe(String typeUrl, String... names) {
    requests.onNext(
        DeltaDiscoveryRequest.newBuilder()
            .setNode(node)
            .setTypeUrl(typeUrl)
            .addAllResourceNamesSubscribe(List.of(names))
            .build());
  }

  /** Accepts {@code response}. */
  void ack(DeltaDiscoveryResponse response) {
    requests.onNext(
        DeltaDiscoveryRequest.newBuilder()
            .setNode(node)
            .setTypeUrl(response.getTypeUrl())
            .setResponseNonce(response.getNonce())
            .build());
  }

  /** The next response, which must be of {@code typeUrl} and come within 10 seconds. */
  DeltaDiscoveryResponse next(String typeUrl) throws InterruptedException {
    DeltaDiscoveryResponse response = responses.poll(10, TimeUnit.SECONDS);
    assertThat(response).as("a %s delta response within 10 s", typeUrl).isNotNull();
    assertThat(response.getTypeUrl()).isEqualTo(typeUrl);
    return response;
  }

  @Override
  public void close() {
    requests.onCompleted();
  }
}
