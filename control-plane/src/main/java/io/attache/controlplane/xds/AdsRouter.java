package io.attache.controlplane.xds;

import io.attache.runtime.xds.RateLimitConfigSchema;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * One ADS service for two audiences on one port: Envoy and proxyless gRPC (java-control-plane's
 * server) and rate-limit services asking for {@code RateLimitConfig} ({@link
 * RateLimitConfigDiscovery}). A state-of-the-world stream goes to the one its first request's type
 * names; delta streams are Envoy's and gRPC's only.
 *
 * <p>The stream is handed over after gRPC's first call into the service, when the response observer
 * no longer takes handlers, so java-control-plane gets an observer of its own whose cancel and
 * ready handlers are kept here and run by the ones registered at the start.
 */
final class AdsRouter extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {
  private final AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase envoy;
  private final RateLimitConfigDiscovery rateLimitConfigs;

  AdsRouter(
      AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase envoy,
      RateLimitConfigDiscovery rateLimitConfigs) {
    this.envoy = envoy;
    this.rateLimitConfigs = rateLimitConfigs;
  }

  @Override
  public StreamObserver<DiscoveryRequest> streamAggregatedResources(
      StreamObserver<DiscoveryResponse> responses) {
    HandedOver handedOver = new HandedOver((ServerCallStreamObserver<DiscoveryResponse>) responses);
    return new StreamObserver<>() {
      private StreamObserver<DiscoveryRequest> target;

      @Override
      public void onNext(DiscoveryRequest request) {
        if (target == null) {
          target =
              request.getTypeUrl().equals(RateLimitConfigSchema.TYPE_URL)
                  ? rateLimitConfigs.open(handedOver)
                  : envoy.streamAggregatedResources(handedOver);
        }
        target.onNext(request);
      }

      @Override
      public void onError(Throwable t) {
        if (target != null) {
          target.onError(t);
        }
      }

      @Override
      public void onCompleted() {
        if (target != null) {
          target.onCompleted();
        } else {
          responses.onCompleted();
        }
      }
    };
  }

  @Override
  public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
      StreamObserver<DeltaDiscoveryResponse> responses) {
    return envoy.deltaAggregatedResources(responses);
  }

  /**
   * The response observer as java-control-plane sees it: what it registers as handlers is kept, and
   * run by the handlers registered on the real observer at the start of the call.
   */
  private static final class HandedOver extends ServerCallStreamObserver<DiscoveryResponse> {
    private final ServerCallStreamObserver<DiscoveryResponse> call;
    private volatile Runnable onCancel = () -> {};
    private volatile Runnable onReady = () -> {};

    HandedOver(ServerCallStreamObserver<DiscoveryResponse> call) {
      this.call = call;
      call.setOnCancelHandler(() -> onCancel.run());
      call.setOnReadyHandler(() -> onReady.run());
    }

    @Override
    public boolean isCancelled() {
      return call.isCancelled();
    }

    @Override
    public void setOnCancelHandler(Runnable handler) {
      onCancel = handler;
    }

    @Override
    public void setCompression(String compression) {
      call.setCompression(compression);
    }

    @Override
    public boolean isReady() {
      return call.isReady();
    }

    @Override
    public void setOnReadyHandler(Runnable handler) {
      onReady = handler;
    }

    @Override
    public void disableAutoInboundFlowControl() {
      throw new IllegalStateException("inbound flow control is fixed when the call starts");
    }

    @Override
    public void request(int count) {
      call.request(count);
    }

    @Override
    public void setMessageCompression(boolean enable) {
      call.setMessageCompression(enable);
    }

    @Override
    public void onNext(DiscoveryResponse value) {
      call.onNext(value);
    }

    @Override
    public void onError(Throwable t) {
      call.onError(t);
    }

    @Override
    public void onCompleted() {
      call.onCompleted();
    }
  }
}
