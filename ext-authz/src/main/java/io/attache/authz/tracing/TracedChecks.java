package io.attache.authz.tracing;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Decision;
import io.attache.authz.decision.AuthzService;
import io.attache.runtime.logging.RequestLogContext;
import io.attache.runtime.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Checks as spans, for both adapters: with tracing on, each check is a {@code Check} server span
 * continuing the trace of the request being authorized, with the policy, decision and reason as
 * attributes, and its audit event carries the span's {@code traceparent}. The parent is the context
 * Envoy sent with the call itself (gRPC metadata) when it sent one, else the one in the request's
 * own headers ({@code traceparent}, {@code b3}, {@code x-b3-*}), which both the gRPC Check request
 * and Emissary's HTTP mode carry. Off, a check costs one boolean test more. With JSON logs, lines
 * logged while deciding carry the request's {@code request_id}.
 */
public final class TracedChecks {
  private static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("attache.protocol");
  private static final AttributeKey<String> POLICY = AttributeKey.stringKey("attache.policy");
  private static final AttributeKey<String> DECISION = AttributeKey.stringKey("attache.decision");
  private static final AttributeKey<String> REASON = AttributeKey.stringKey("attache.reason");
  private static final AttributeKey<Long> STATUS =
      AttributeKey.longKey("http.response.status_code");

  private static final TextMapGetter<Map<String, String>> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private final AuthzService service;
  private final Tracing tracing;

  public TracedChecks(AuthzService service, Tracing tracing) {
    this.service = service;
    this.tracing = tracing;
  }

  /** Untraced. */
  public static TracedChecks untraced(AuthzService service) {
    return new TracedChecks(service, Tracing.off());
  }

  /**
   * Decides {@code input}; {@code callerContext} is the context of the call itself, or null when it
   * sent none; {@code protocol} is {@code grpc} or {@code http}. Complete on return unless an
   * identity method had to call out; the span ends when the decision is made.
   */
  public CompletableFuture<Decision> check(
      CheckInput input, Context callerContext, String protocol) {
    try (RequestLogContext.Scope log = RequestLogContext.requestId(input.request().requestId())) {
      return tracing.enabled()
          ? traced(input, callerContext, protocol)
          : service.decide(input, Optional.empty());
    }
  }

  private CompletableFuture<Decision> traced(
      CheckInput input, Context callerContext, String protocol) {
    Context parent =
        callerContext != null ? callerContext : tracing.extract(input.request().headers(), HEADERS);
    Span span =
        tracing
            .tracer()
            .spanBuilder("Check")
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(PROTOCOL, protocol)
            .startSpan();
    CompletableFuture<Decision> decided;
    try (Scope scope = span.makeCurrent()) {
      decided = service.decide(input, Tracing.traceparent(span));
    } catch (RuntimeException e) {
      span.end();
      throw e;
    }
    return decided.whenComplete((decision, failure) -> end(span, decision));
  }

  private static void end(Span span, Decision decision) {
    if (decision != null) {
      span.setAttribute(DECISION, decision.allowed() ? "allow" : "deny");
      span.setAttribute(REASON, decision.reason().code());
      span.setAttribute(POLICY, decision.policy().orElse("none"));
      span.setAttribute(STATUS, (long) decision.httpStatus());
    }
    span.end();
  }
}
