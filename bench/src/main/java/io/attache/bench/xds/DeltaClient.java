package io.attache.bench.xds;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * An incremental (delta) ADS client: subscribes once per type (no names: every cluster; the
 * endpoint names it wants), then ACKs each response by its nonce alone.
 *
 * <p>Light by design, so that a fleet of thousands fits beside the server in one JVM: a response is
 * never built as a message. Its bytes are scanned as they arrive for the type, the nonce and the
 * number of resources, and the resources are skipped; an Envoy-like client sent all 50,000 clusters
 * otherwise builds them all, for each of the fleet's clients at once.
 */
final class DeltaClient extends AdsClient {
  private static final MethodDescriptor<DeltaDiscoveryRequest, Summary> METHOD =
      AggregatedDiscoveryServiceGrpc.getDeltaAggregatedResourcesMethod().toBuilder(
              ProtoUtils.marshaller(DeltaDiscoveryRequest.getDefaultInstance()),
              new SummaryMarshaller())
          .build();

  private final StreamObserver<DeltaDiscoveryRequest> requests;

  DeltaClient(Channel channel, int index, Node node, List<String> endpointNames) {
    super(index, node, endpointNames);
    this.requests =
        ClientCalls.asyncBidiStreamingCall(
            channel.newCall(METHOD, CallOptions.DEFAULT),
            new StreamObserver<Summary>() {
              @Override
              public void onNext(Summary response) {
                long received = System.nanoTime();
                send(
                    DeltaDiscoveryRequest.newBuilder()
                        .setNode(node)
                        .setTypeUrl(response.typeUrl())
                        .setResponseNonce(response.nonce())
                        .build());
                answered(response.typeUrl(), received, response.bytes(), response.resources());
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

  /** What the client keeps of a {@link DeltaDiscoveryResponse}. */
  record Summary(String typeUrl, String nonce, int resources, int bytes) {
    /** Scans a serialized response, skipping every field but these. */
    static Summary scan(InputStream in) throws IOException {
      CodedInputStream input = CodedInputStream.newInstance(in);
      input.setSizeLimit(Integer.MAX_VALUE);
      String typeUrl = "";
      String nonce = "";
      int resources = 0;
      for (int tag = input.readTag(); tag != 0; tag = input.readTag()) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case DeltaDiscoveryResponse.TYPE_URL_FIELD_NUMBER -> typeUrl = input.readString();
          case DeltaDiscoveryResponse.NONCE_FIELD_NUMBER -> nonce = input.readString();
          case DeltaDiscoveryResponse.RESOURCES_FIELD_NUMBER -> {
            resources++;
            input.skipField(tag);
          }
          default -> input.skipField(tag);
        }
      }
      return new Summary(typeUrl, nonce, resources, input.getTotalBytesRead());
    }
  }

  /** Client side only: responses are scanned, never sent. */
  private static final class SummaryMarshaller implements MethodDescriptor.Marshaller<Summary> {
    @Override
    public InputStream stream(Summary value) {
      throw new UnsupportedOperationException("a client never sends a response");
    }

    @Override
    public Summary parse(InputStream stream) {
      try {
        return Summary.scan(stream);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
