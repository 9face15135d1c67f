package io.attache.ratelimit.grpc;

import io.attache.ratelimit.core.RateLimitException;
import io.attache.ratelimit.core.RateLimitService;
import io.attache.ratelimit.core.StoreUnavailableException;
import io.attache.runtime.logging.RequestLogContext;
import io.attache.runtime.tracing.GrpcTraceContext;
import io.attache.runtime.tracing.Tracing;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit}. Never blocks: the answer is
 * sent when the counter store's stage completes. Errors map as the reference's do: it returns plain
 * Go errors, which grpc-go sends as {@code UNKNOWN} with the error's text, both for a malformed
 * request or missing configuration and for an unreachable store (in failure mode {@code error}).
 */
public final class RateLimitGrpcService extends RateLimitServiceGrpc.RateLimitServiceImplBase {
  private static final AttributeKey<String> DOMAIN = AttributeKey.stringKey("ratelimit.domain");
  private static final AttributeKey<String> OVERALL_CODE =
      AttributeKey.stringKey("ratelimit.overall_code");
  private final RateLimitService service;
  private final Tracing tracing;
  private final Timer responseTime;
  private final ResponseParts parts = new ResponseParts();

  public RateLimitGrpcService(RateLimitService service) {
    this(service, Tracing.off(), new SimpleMeterRegistry());
  }

  /**
   * With tracing on, each call is a {@code ShouldRateLimit} server span, child of the span Envoy
   * sent in the call's metadata, with the domain and the overall code as attributes; the counter
   * store's calls are its children, and its events carry its {@code traceparent}.
   */
  public RateLimitGrpcService(RateLimitService service, Tracing tracing, MeterRegistry registry) {
    this.service = service;
    this.tracing = tracing;
    this.responseTime = responseTime(registry);
  }

  /**
   * The reference's {@code ratelimit_server.ShouldRateLimit.response_time}, under the name its
   * Prometheus mapping gives it ({@code src/stats/prom/default_mapper.yaml}): {@code
   * ratelimit_service_response_time_seconds{grpc_method="ShouldRateLimit"}}, a histogram from 10 µs
   * to 1 s; its {@code _count} is the reference's {@code total_requests}.
   */
  private static Timer responseTime(MeterRegistry registry) {
    return Timer.builder("ratelimit_service_response_time")
        .description("time to answer one ShouldRateLimit, from request to response")
        .tag("grpc_method", "ShouldRateLimit")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(10_000))
        .maximumExpectedValue(Duration.ofSeconds(1))
        .register(registry);
  }

  @Override
  public void shouldRateLimit(
      RateLimitRequest request, StreamObserver<RateLimitResponse> responseObserver) {
    long start = System.nanoTime();
    try (RequestLogContext.Scope log =
        RequestLogContext.requestId(Optional.ofNullable(RequestIdInterceptor.REQUEST_ID.get()))) {
      if (!tracing.enabled()) {
        answer(request, responseObserver, Optional.empty(), null, start);
      } else {
        traced(request, responseObserver, start);
      }
    }
  }

  private void traced(
      RateLimitRequest request, StreamObserver<RateLimitResponse> responseObserver, long start) {
    io.opentelemetry.context.Context parent = GrpcTraceContext.PARENT.get();
    Span span =
        tracing
            .tracer()
            .spanBuilder("ShouldRateLimit")
            .setParent(parent != null ? parent : io.opentelemetry.context.Context.root())
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(DOMAIN, request.getDomain())
            .startSpan();
    try (Scope scope = span.makeCurrent()) {
      answer(request, responseObserver, Tracing.traceparent(span), span, start);
    }
  }

  private void answer(
      RateLimitRequest request,
      StreamObserver<RateLimitResponse> responseObserver,
      Optional<String> traceparent,
      Span span,
      long start) {
    io.attache.ratelimit.core.RateLimitRequest core;
    try {
      core =
          ProtoMapping.toCore(
              request, Optional.ofNullable(RequestIdInterceptor.REQUEST_ID.get()), traceparent);
    } catch (RateLimitException e) {
      end(span, Status.INVALID_ARGUMENT.withDescription(e.getMessage()), null);
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
      RateLimitResponse response = ProtoMapping.toProto(done.join(), parts);
      end(span, Status.OK, response);
      responseObserver.onNext(response);
      responseObserver.onCompleted();
      responseTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      return;
    }
    answer.whenComplete(
        (response, error) -> {
          if (error == null) {
            RateLimitResponse proto = ProtoMapping.toProto(response, parts);
            end(span, Status.OK, proto);
            responseObserver.onNext(proto);
            responseObserver.onCompleted();
          } else {
            Status status = status(error);
            end(span, status, null);
            responseObserver.onError(status.asException());
          }
          responseTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        });
  }

  private static void end(Span span, Status status, RateLimitResponse response) {
    if (span == null) {
      return;
    }
    if (response != null) {
      span.setAttribute(OVERALL_CODE, response.getOverallCode().name());
    }
    if (!status.isOk()) {
      span.setStatus(StatusCode.ERROR, status.getCode() + ": " + status.getDescription());
    }
    span.end();
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
