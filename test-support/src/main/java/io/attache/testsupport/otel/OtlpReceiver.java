package io.attache.testsupport.otel;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A real OTLP/gRPC trace receiver, as a collector runs it: the {@code
 * opentelemetry.proto.collector.trace.v1.TraceService/Export} method on a Netty server, decoding
 * the messages of opentelemetry-proto and keeping every span it is sent, with its service's name.
 */
public final class OtlpReceiver implements AutoCloseable {
  /** One received span and the {@code service.name} of the resource it came with. */
  public record ReceivedSpan(String service, Span span) {
    public String traceId() {
      return HexFormat.of().formatHex(span.getTraceId().toByteArray());
    }

    public String spanId() {
      return HexFormat.of().formatHex(span.getSpanId().toByteArray());
    }

    public String parentSpanId() {
      return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
    }

    /** A string attribute's value, or empty. */
    public Optional<String> attribute(String key) {
      return span.getAttributesList().stream()
          .filter(a -> a.getKey().equals(key))
          .map(KeyValue::getValue)
          .map(OtlpReceiver::text)
          .findFirst();
    }
  }

  private static final MethodDescriptor<ExportTraceServiceRequest, ExportTraceServiceResponse>
      EXPORT =
          MethodDescriptor.<ExportTraceServiceRequest, ExportTraceServiceResponse>newBuilder()
              .setType(MethodDescriptor.MethodType.UNARY)
              .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
              .setRequestMarshaller(
                  ProtoUtils.marshaller(ExportTraceServiceRequest.getDefaultInstance()))
              .setResponseMarshaller(
                  ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
              .build();

  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final AtomicLong received = new AtomicLong();
  private final boolean keep;
  private final Server server;

  private OtlpReceiver(boolean keep) {
    this.keep = keep;
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService")
            .addMethod(
                EXPORT,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      receive(request);
                      response.onNext(ExportTraceServiceResponse.getDefaultInstance());
                      response.onCompleted();
                    }))
            .build();
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(service)
            .build();
  }

  /** Starts a receiver on a free loopback port. */
  public static OtlpReceiver start() {
    return started(new OtlpReceiver(true));
  }

  /**
   * A receiver that only counts the spans it is sent, for benchmarks: it keeps none, so it can take
   * millions.
   */
  public static OtlpReceiver counting() {
    return started(new OtlpReceiver(false));
  }

  private static OtlpReceiver started(OtlpReceiver receiver) {
    try {
      receiver.server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return receiver;
  }

  public int port() {
    return server.getPort();
  }

  /** How many spans arrived. */
  public long received() {
    return received.get();
  }

  /** For {@code OTEL_EXPORTER_OTLP_ENDPOINT}: {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getPort();
  }

  public List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  /** Waits until a span matching {@code test} has arrived, and returns it. */
  public ReceivedSpan await(Predicate<ReceivedSpan> test, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (ReceivedSpan span : spans) {
        if (test.test(span)) {
          return span;
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("no matching span within " + timeout + "; received " + names());
  }

  private List<String> names() {
    return spans.stream().map(s -> s.service() + ":" + s.span().getName()).toList();
  }

  private void receive(ExportTraceServiceRequest request) {
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      String service = serviceName(resourceSpans.getResource());
      for (ScopeSpans scope : resourceSpans.getScopeSpansList()) {
        received.addAndGet(scope.getSpansCount());
        if (keep) {
          for (Span span : scope.getSpansList()) {
            spans.add(new ReceivedSpan(service, span));
          }
        }
      }
    }
  }

  private static String serviceName(Resource resource) {
    return resource.getAttributesList().stream()
        .filter(a -> a.getKey().equals("service.name"))
        .map(a -> text(a.getValue()))
        .findFirst()
        .orElse("");
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> String.valueOf(value.getIntValue());
      case BOOL_VALUE -> String.valueOf(value.getBoolValue());
      case DOUBLE_VALUE -> String.valueOf(value.getDoubleValue());
      default -> value.toString();
    };
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
