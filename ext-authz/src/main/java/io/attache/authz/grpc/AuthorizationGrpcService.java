package io.attache.authz.grpc;

import io.attache.authz.core.Decision;
import io.attache.authz.decision.AuthzService;
import io.attache.authz.tracing.TracedChecks;
import io.attache.runtime.tracing.GrpcTraceContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code envoy.service.auth.v3.Authorization/Check}: the decision is always an answer (a denial is
 * a {@code CheckResponse} with a non-OK status), never a gRPC error, so Envoy's {@code
 * failure_mode_allow} only ever applies to real outages.
 *
 * <p>Each call's handling time is recorded in {@code attache_authz_check_seconds}: from the request
 * arriving in this handler to the response handed to the transport, on the server's own clock. It
 * is what the server adds to Envoy's request, without the network or Envoy's queueing.
 */
public final class AuthorizationGrpcService extends AuthorizationGrpc.AuthorizationImplBase {
  /** Metric name; Prometheus shows it as {@code attache_authz_check_seconds}. */
  public static final String CHECK_TIMER = "attache.authz.check";

  private final TracedChecks service;
  private final AllowResponses allowResponses = new AllowResponses();
  private final Timer checks;

  public AuthorizationGrpcService(AuthzService service, MeterRegistry registry) {
    this(TracedChecks.untraced(service), registry);
  }

  public AuthorizationGrpcService(TracedChecks service, MeterRegistry registry) {
    this.service = service;
    // A Check takes microseconds: the buckets start at 1 µs (Micrometer's default floor of 1 ms
    // would put every call in the first) and end at 1 s, well past Envoy's 200 ms default timeout.
    this.checks =
        Timer.builder(CHECK_TIMER)
            .description("time to answer one Check, from request to response, in this handler")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(1_000))
            .maximumExpectedValue(Duration.ofSeconds(1))
            .register(registry);
  }

  @Override
  public void check(CheckRequest request, StreamObserver<CheckResponse> responseObserver) {
    long start = System.nanoTime();
    CompletableFuture<Decision> decided =
        service.check(CheckMapping.toCore(request), GrpcTraceContext.PARENT.get(), "grpc");
    if (decided.isDone()) {
      answer(decided.join(), responseObserver, start);
    } else {
      // An identity method is calling out: the call thread is not held; whichever thread
      // completes the call answers, once (a StreamObserver is used by one thread at a time).
      decided.whenComplete(
          (decision, failure) -> {
            try {
              if (failure != null) {
                throw failure;
              }
              answer(decision, responseObserver, start);
            } catch (Throwable e) {
              // Never left unanswered: Envoy would wait out its timeout.
              responseObserver.onError(
                  io.grpc.Status.INTERNAL.withDescription("check failed").asRuntimeException());
            }
          });
    }
  }

  private void answer(Decision decision, StreamObserver<CheckResponse> observer, long start) {
    observer.onNext(
        decision.allowed() ? allowResponses.response(decision) : CheckMapping.toProto(decision));
    observer.onCompleted();
    checks.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }
}
