package io.attache.ratelimit.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Carries the caller's {@code x-request-id} (when its gRPC client propagates one) to the service,
 * so events can name the request they are about.
 */
public final class RequestIdInterceptor implements ServerInterceptor {
  static final Context.Key<String> REQUEST_ID = Context.key("x-request-id");
  private static final Metadata.Key<String> HEADER =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String requestId = headers.get(HEADER);
    if (requestId == null) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(
        Context.current().withValue(REQUEST_ID, requestId), call, headers, next);
  }
}
