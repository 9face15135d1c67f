package io.attache.ratelimit.core;

import static io.attache.ratelimit.core.LimiterFixture.d;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.events.WhenFull;
import io.attache.events.kafka.KafkaEventSink;
import io.attache.events.kafka.KafkaSinkConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OVER_LIMIT decisions are recorded before they are answered; when the event log is full (Kafka
 * unreachable: nothing is shipped), {@code ATTACHE_EVENTS_WHEN_FULL} decides. The sink is the real
 * one with a log of two 4 KiB segments, which a handful of events fill.
 */
class UnrecordedDecisionTest {
  private static final String YAML =
      """
      domain: api
      descriptors:
        - key: user
          rate_limit: {unit: hour, requests_per_unit: 1}
      """;

  @TempDir Path dir;

  private KafkaEventSink sink(WhenFull whenFull) {
    return new KafkaEventSink(
        KafkaSinkConfig.builder("localhost:1", "/attache/ratelimit-service/test", dir)
            .spoolSegmentBytes(4096)
            .spoolMaxBytes(8192)
            .whenFull(whenFull)
            .closeTimeout(Duration.ofMillis(100))
            .build());
  }

  private static RateLimitResponse call(RateLimitService service) {
    try {
      return service
          .shouldRateLimit(
              new RateLimitRequest("api", List.of(d("user", "u")), 1, Optional.empty()))
          .toCompletableFuture()
          .join();
    } catch (CompletionException e) {
      throw (RuntimeException) e.getCause();
    }
  }

  private static RateLimitService service(
      LimiterFixture fixture, FailureMode mode, KafkaEventSink sink) {
    return new RateLimitService(
        fixture.limiter, () -> fixture.config, mode, sink, 0.0, ServiceStats.NONE);
  }

  /**
   * Calls until one call's event is not recorded (the log is full); returns how many OVER_LIMIT
   * answers were recorded before it.
   */
  private static int fill(RateLimitService service, KafkaEventSink sink) {
    call(service); // the one allowed hit: OK, not reported
    for (int recorded = 0; recorded < 1_000; recorded++) {
      RateLimitResponse response = call(service);
      if (sink.stats().logged() == recorded) {
        return recorded;
      }
      assertThat(response.overallCode()).isEqualTo(Code.OVER_LIMIT);
    }
    throw new AssertionError("the event log never filled");
  }

  @Test
  void underRejectAnOverLimitThatCannotBeRecordedGetsTheFailureModesAnswer() {
    LimiterFixture fixture = new LimiterFixture(YAML);
    try (KafkaEventSink sink = sink(WhenFull.REJECT)) {
      RateLimitService service = service(fixture, FailureMode.ALLOW, sink);
      int recorded = fill(service, sink);

      assertThat(recorded).isBetween(2, 1_000);
      assertThat(sink.stats().logged()).isEqualTo(recorded);
      assertThat(sink.stats().rejected()).isEqualTo(1);
      assertThat(call(service).overallCode()).isEqualTo(Code.OK);
      assertThat(sink.stats().rejected()).isEqualTo(2);
      assertThat(sink.stats().dropped()).isZero();
    }
  }

  @Test
  void underRejectWithFailureModeErrorTheCallFailsSayingWhy() {
    LimiterFixture fixture = new LimiterFixture(YAML);
    try (KafkaEventSink sink = sink(WhenFull.REJECT)) {
      RateLimitService service = service(fixture, FailureMode.ERROR, sink);
      call(service);
      assertThatThrownBy(
              () -> {
                for (int i = 0; i < 1_000; i++) {
                  call(service);
                }
              })
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("event could not be recorded");
    }
  }

  @Test
  void underDropTheAnswerStandsAndTheLostEventIsCounted() {
    LimiterFixture fixture = new LimiterFixture(YAML);
    try (KafkaEventSink sink = sink(WhenFull.DROP)) {
      RateLimitService service = service(fixture, FailureMode.ALLOW, sink);
      fill(service, sink);

      assertThat(call(service).overallCode()).isEqualTo(Code.OVER_LIMIT);
      assertThat(sink.stats().dropped()).isEqualTo(2);
      assertThat(sink.stats().rejected()).isZero();
    }
  }
}
