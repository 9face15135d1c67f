package io.attache.ratelimit.store;

import io.attache.ratelimit.core.CounterStore;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.concurrent.CompletionStage;

/**
 * A counter store whose calls are client spans of the traced call that made them (a {@code
 * ShouldRateLimit} span), from the call until Redis answered: where a slow answer spent its time.
 * Calls outside a traced call go straight through, without a span.
 */
public final class TracedCounterStore implements CounterStore {
  private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("db.system.name");
  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("db.operation.name");
  private static final AttributeKey<Long> KEYS = AttributeKey.longKey("db.operation.batch.size");

  private final CounterStore store;
  private final Tracer tracer;

  public TracedCounterStore(CounterStore store, Tracer tracer) {
    this.store = store;
    this.tracer = tracer;
  }

  @Override
  public CompletionStage<long[]> increment(String[] keys, long[] hits, long[] ttlSeconds) {
    if (!Span.current().getSpanContext().isValid()) {
      return store.increment(keys, hits, ttlSeconds);
    }
    Span span = start("INCRBY EXPIRE", keys.length);
    return ended(span, store.increment(keys, hits, ttlSeconds));
  }

  @Override
  public CompletionStage<long[]> takeTokens(
      String[] keys, long[] hits, long[] emissionMicros, long[] capacityMicros) {
    if (!Span.current().getSpanContext().isValid()) {
      return store.takeTokens(keys, hits, emissionMicros, capacityMicros);
    }
    Span span = start("EVALSHA", keys.length);
    return ended(span, store.takeTokens(keys, hits, emissionMicros, capacityMicros));
  }

  @Override
  public CompletionStage<long[]> countSliding(
      String[] keys, long[] hits, long[] limits, long[] windowMicros) {
    if (!Span.current().getSpanContext().isValid()) {
      return store.countSliding(keys, hits, limits, windowMicros);
    }
    Span span = start("EVALSHA", keys.length);
    return ended(span, store.countSliding(keys, hits, limits, windowMicros));
  }

  @Override
  public CompletionStage<long[]> get(String[] keys) {
    if (!Span.current().getSpanContext().isValid()) {
      return store.get(keys);
    }
    Span span = start("MGET", keys.length);
    return ended(span, store.get(keys));
  }

  private Span start(String operation, int keys) {
    return tracer
        .spanBuilder("redis " + operation)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(SYSTEM, "redis")
        .setAttribute(OPERATION, operation)
        .setAttribute(KEYS, (long) keys)
        .startSpan();
  }

  private static CompletionStage<long[]> ended(Span span, CompletionStage<long[]> stage) {
    return stage.whenComplete(
        (values, error) -> {
          if (error != null) {
            span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
          }
          span.end();
        });
  }

  @Override
  public void close() {
    store.close();
  }
}
