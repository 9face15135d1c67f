package io.attache.bench.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.List;

/**
 * An incremental (delta) ADS client: subscribes once per type (no names: every cluster; the
 * endpoint names it wants), then ACKs each response by its nonce alone.
 */
final class DeltaClient extends AdsClient {
  private final StreamObserver<DeltaDiscoveryRequest> requests;

  DeltaClient(Channel channel, int index, Node node, List<String> endpointNames) {
    super(index, node, endpointNames);
    this.requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel)
            .deltaAggregatedResources(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DeltaDiscoveryResponse response) {
                    long received = System.nanoTime();
                    send(
                        DeltaDiscoveryRequest.newBuilder()
                            .setNode(node)
                            .setTypeUrl(response.getTypeUrl())
                            .setResponseNonce(response.getNonce())
                            .build());
                    answered(
                        response.getTypeUrl(),
                        received,
                        response.getSerializedSize(),
                        response.getResourcesCount());
                  }

                  @Override
                  public void onError(Throwable t) {
                    failed(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
  }

  @Override
  void subscribe() {
    send(DeltaDiscoveryRequest.newBuilder().setNode(node).setTypeUrl(CDS).build());
    send(
        DeltaDiscoveryRequest.newBuilder()
            .setNode(node)
            .setTypeUrl(EDS)
            .addAllResourceNamesSubscribe(endpointNames)
            .build());
  }

  // The subscribing thread and the response thread both send; a StreamObserver is not thread-safe.
  private synchronized void send(DeltaDiscoveryRequest request) {
    requests.onNext(request);
  }

  @Override
  public synchronized void close() {
    requests.onCompleted();
  }
}
