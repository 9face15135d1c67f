package io.attache.ratelimit.core;

import io.attache.events.EventSink;
import io.attache.events.RateLimitDecision;
import io.attache.ratelimit.config.RateLimitConfig;
import io.attache.ratelimit.config.RateLimitRule;
import io.attache.ratelimit.config.Window;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service behind every adapter (gRPC, {@code POST /json}): answers with the current
 * configuration, applies the failure mode when counters are unreachable (logged once per outage,
 * counted every time), and reports decisions as {@code traffic.ratelimit} events before answering:
 * every OVER_LIMIT (shadowed ones too, flagged) and a sample of OK ones. An event that cannot be
 * recorded while the sink rejects ({@code ATTACHE_EVENTS_WHEN_FULL=reject}) also gets the failure
 * mode's answer.
 */
public final class RateLimitService {
  private static final Logger log = LoggerFactory.getLogger(RateLimitService.class);

  private final RateLimiter limiter;
  private final Supplier<RateLimitConfig> config;
  private final FailureMode failureMode;
  private final EventSink events;
  private final double okSampleRate;
  private final ServiceStats stats;
  private final AtomicLong outageFailures = new AtomicLong();

  public RateLimitService(
      RateLimiter limiter,
      Supplier<RateLimitConfig> config,
      FailureMode failureMode,
      EventSink events,
      double okSampleRate,
      ServiceStats stats) {
    this.limiter = limiter;
    this.config = config;
    this.failureMode = failureMode;
    this.events = events;
    this.okSampleRate = okSampleRate;
    this.stats = stats;
  }

  public CompletionStage<RateLimitResponse> shouldRateLimit(RateLimitRequest request) {
    CompletionStage<RateLimiter.Outcome> outcome;
    try {
      outcome = limiter.shouldRateLimit(config.get(), request);
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    RateLimiter.Outcome counted = Stages.valueIfDone(outcome);
    if (counted != null) {
      // Counted in memory: answer at once, without a callback and a stage per call.
      try {
        return CompletableFuture.completedFuture(answer(request, counted));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return outcome.handle(
        (result, error) -> {
          if (error == null) {
            return answer(request, result);
          }
          Throwable cause = error instanceof CompletionException ? error.getCause() : error;
          if (cause instanceof StoreUnavailableException unavailable) {
            return onStoreFailure(request, unavailable);
          }
          if (cause instanceof RateLimitException) {
            stats.serviceError();
            throw (RateLimitException) cause;
          }
          stats.serviceError();
          throw new CompletionException(cause);
        });
  }

  private RateLimitResponse answer(RateLimitRequest request, RateLimiter.Outcome outcome) {
    recovered();
    if (!report(request, outcome)) {
      // ATTACHE_EVENTS_WHEN_FULL=reject: no decision without its record.
      return failureAnswer(
          request,
          new StoreUnavailableException(
              "the decision's event could not be recorded (the event log is full)", null));
    }
    return outcome.response();
  }

  private RateLimitResponse onStoreFailure(RateLimitRequest request, StoreUnavailableException e) {
    stats.storeError();
    if (outageFailures.getAndIncrement() == 0) {
      log.error(
          "counter store unavailable ({}); answering with failure mode {} until it is back",
          e.getMessage(),
          failureMode);
    }
    return failureAnswer(request, e);
  }

  /** The failure mode's answer: a gRPC error, OK, or OVER_LIMIT. */
  private RateLimitResponse failureAnswer(RateLimitRequest request, StoreUnavailableException e) {
    return switch (failureMode) {
      case ERROR -> throw e;
      case ALLOW -> uniform(Code.OK, request.descriptors().size());
      case DENY -> uniform(Code.OVER_LIMIT, request.descriptors().size());
    };
  }

  private void recovered() {
    if (outageFailures.get() > 0) {
      long failed = outageFailures.getAndSet(0);
      if (failed > 0) {
        log.info("counter store is back after {} failed calls", failed);
      }
    }
  }

  private static RateLimitResponse uniform(Code code, int descriptors) {
    DescriptorStatus status = new DescriptorStatus(code, Optional.empty(), 0, 0);
    return new RateLimitResponse(code, Collections.nCopies(descriptors, status), List.of());
  }

  /** Publishes the decisions worth an event; false when one could not be recorded (reject). */
  private boolean report(RateLimitRequest request, RateLimiter.Outcome outcome) {
    boolean recorded = true;
    List<DescriptorStatus> statuses = outcome.response().statuses();
    for (int i = 0; i < statuses.size(); i++) {
      boolean over = outcome.overLimit(i);
      if (!over && okSampleRate <= 0) {
        continue; // the usual case, decided without looking further
      }
      Optional<RateLimitRule> rule = outcome.rule(i);
      if (rule.isEmpty()) {
        continue;
      }
      if (!over && ThreadLocalRandom.current().nextDouble() >= okSampleRate) {
        continue;
      }
      recorded &= events.publish(event(request, i, statuses.get(i), rule.get(), outcome.hits(i)));
    }
    return recorded;
  }

  private static RateLimitDecision event(
      RateLimitRequest request, int index, DescriptorStatus status, RateLimitRule rule, long hits) {
    Descriptor descriptor = request.descriptors().get(index);
    List<RateLimitDecision.Entry> entries = new ArrayList<>(descriptor.entries().size());
    for (Entry entry : descriptor.entries()) {
      entries.add(new RateLimitDecision.Entry(entry.key(), entry.value()));
    }
    return new RateLimitDecision(
        request.domain(),
        entries,
        status.code().name(),
        rule.name(),
        rule.requestsPerUnit(),
        rule.unit().map(Enum::name).orElse("UNKNOWN"),
        rule.window().map(Window::seconds).orElse(0L),
        rule.algorithm().configName(),
        status.remaining(),
        hits,
        rule.shadowMode(),
        status.secondsUntilReset(),
        request.requestId(),
        request.traceparent());
  }
}
