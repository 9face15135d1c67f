package io.attache.runtime.tracing;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Reads the trace context a gRPC caller sent in its metadata (Envoy injects its own span's context
 * into the metadata of an ext_authz or rate-limit call) and hands it to the handler through a gRPC
 * {@link Context} key. Installed only when tracing is on.
 */
public final class GrpcTraceContext implements ServerInterceptor {
  /** The caller's context, or absent when it sent none. */
  public static final Context.Key<io.opentelemetry.context.Context> PARENT =
      Context.key("attache-trace-parent");

  private static final TextMapGetter<Metadata> METADATA =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata carrier) {
          List<String> keys = new ArrayList<>();
          for (String key : carrier.keys()) {
            if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
              keys.add(key);
            }
          }
          return keys;
        }

        @Override
        public String get(Metadata carrier, String key) {
          if (carrier == null) {
            return null;
          }
          return carrier.get(KEYS.computeIfAbsent(key, GrpcTraceContext::asciiKey));
        }
      };

  /**
   * The propagators ask for the same few headers on every call; a key made once each spares the
   * name validation and the allocation of {@code Metadata.Key.of} per lookup.
   */
  private static final ConcurrentMap<String, Metadata.Key<String>> KEYS = new ConcurrentHashMap<>();

  private static Metadata.Key<String> asciiKey(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  private final Tracing tracing;

  public GrpcTraceContext(Tracing tracing) {
    this.tracing = tracing;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    io.opentelemetry.context.Context parent = tracing.extract(headers, METADATA);
    if (parent == io.opentelemetry.context.Context.root()) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(PARENT, parent), call, headers, next);
  }
}
