package io.attache.bench.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.List;

/**
 * A state-of-the-world ADS client: each request carries the node (Envoy's default) and, for
 * endpoints, the full list of names it wants; an ACK repeats the response's version and nonce.
 */
final class SotwClient extends AdsClient {
  private final StreamObserver<DiscoveryRequest> requests;

  SotwClient(Channel channel, int index, Node node, List<String> endpointNames) {
    super(index, node, endpointNames);
    this.requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel)
            .streamAggregatedResources(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DiscoveryResponse response) {
                    long received = System.nanoTime();
                    send(
                        request(response.getTypeUrl())
                            .setVersionInfo(response.getVersionInfo())
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
    send(request(CDS).build());
    send(request(EDS).build());
  }

  private DiscoveryRequest.Builder request(String typeUrl) {
    DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder().setNode(node);
    request.setTypeUrl(typeUrl);
    if (EDS.equals(typeUrl)) {
      request.addAllResourceNames(endpointNames);
    }
    return request;
  }

  // The subscribing thread and the response thread both send; a StreamObserver is not thread-safe.
  private synchronized void send(DiscoveryRequest request) {
    requests.onNext(request);
  }

  @Override
  public synchronized void close() {
    requests.onCompleted();
  }
}
