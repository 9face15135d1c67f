package io.attache.ratelimit.grpc;

import io.attache.ratelimit.core.RateLimitException;
import io.attache.ratelimit.core.RateLimitService;
import io.attache.ratelimit.core.StoreUnavailableException;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * {@code envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit}. Never blocks: the answer is
 * sent when the counter store's stage completes. Errors map as the reference's do: it returns plain
 * Go errors, which grpc-go sends as {@code UNKNOWN} with the error's text, both for a malformed
 * request or missing configuration and for an unreachable store (in failure mode {@code error}).
 */
public final class RateLimitGrpcService extends RateLimitServiceGrpc.RateLimitServiceImplBase {
  private final RateLimitService service;
  private final ResponseParts parts = new ResponseParts();

  public RateLimitGrpcService(RateLimitService service) {
    this.service = service;
  }

  @Override
  public void shouldRateLimit(
      RateLimitRequest request, StreamObserver<RateLimitResponse> responseObserver) {
    io.attache.ratelimit.core.RateLimitRequest core;
    try {
      core =
          ProtoMapping.toCore(request, Optional.ofNullable(RequestIdInterceptor.REQUEST_ID.get()));
    } catch (RateLimitException e) {
      responseObserver.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException());
      return;
    }
    CompletionStage<io.attache.ratelimit.core.RateLimitResponse> answer =
        service.shouldRateLimit(core);
    if (answer instanceof CompletableFuture<io.attache.ratelimit.core.RateLimitResponse> done
        && done.isDone()
        && !done.isCompletedExceptionally()) {
      // Answered from memory: reply now, without a callback and a stage per call.
      responseObserver.onNext(ProtoMapping.toProto(done.join(), parts));
      responseObserver.onCompleted();
      return;
    }
    answer.whenComplete(
        (response, error) -> {
          if (error == null) {
            responseObserver.onNext(ProtoMapping.toProto(response, parts));
            responseObserver.onCompleted();
          } else {
            responseObserver.onError(status(error).asException());
          }
        });
  }

  static Status status(Throwable error) {
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause instanceof RateLimitException) {
      return Status.UNKNOWN.withDescription(cause.getMessage());
    }
    if (cause instanceof StoreUnavailableException) {
      return Status.UNKNOWN.withDescription(cause.getMessage());
    }
    return Status.INTERNAL.withDescription("internal error").withCause(cause);
  }
}
