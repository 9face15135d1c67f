package io.attache.authz.core;

import static io.attache.authz.core.Requests.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.decision.Authorizer;
import io.attache.authz.decision.AuthzService;
import io.attache.authz.identity.AnonymousVerifier;
import io.attache.authz.policy.AuthPolicy;
import io.attache.authz.policy.PathMatch;
import io.attache.authz.policy.RequestMatch;
import io.attache.events.WhenFull;
import io.attache.events.kafka.KafkaEventSink;
import io.attache.events.kafka.KafkaSinkConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every decision is recorded before it is returned; when the event log is full (Kafka unreachable:
 * nothing is shipped), {@code ATTACHE_EVENTS_WHEN_FULL} decides. The sink is the real one with a
 * log of two 4 KiB segments, which a handful of events fill.
 */
class UnrecordedDecisionTest {
  @TempDir Path dir;

  private final Authorizer authorizer =
      new Authorizer(
          () ->
              List.of(
                  new AuthPolicy(
                      "public",
                      new RequestMatch(
                          List.of("*"), List.of(new PathMatch.Prefix("/")), Set.of(), Set.of()),
                      List.of(new AnonymousVerifier()),
                      List.of(),
                      new AuthPolicy.AllowResponse(Map.of(), List.of(), Map.of()),
                      AuthPolicy.DenyResponse.DEFAULT)),
          false);

  private KafkaEventSink sink(WhenFull whenFull) {
    return new KafkaEventSink(
        KafkaSinkConfig.builder("localhost:1", "/attache/ext-authz/test", dir)
            .spoolSegmentBytes(4096)
            .spoolMaxBytes(8192)
            .whenFull(whenFull)
            .closeTimeout(Duration.ofMillis(100))
            .build());
  }

  /** Checks until one decision is not recorded; returns how many were recorded before it. */
  private static Decision fill(AuthzService service, KafkaEventSink sink) {
    for (int recorded = 0; recorded < 1_000; recorded++) {
      Decision decision = service.check(get("shop.example.com", "/items/" + recorded));
      if (sink.stats().logged() == recorded) {
        return decision;
      }
      assertThat(decision.allowed()).isTrue();
    }
    throw new AssertionError("the event log never filled");
  }

  @Test
  void underRejectADecisionThatCannotBeRecordedIsADenialForAuditUnavailable() {
    try (KafkaEventSink sink = sink(WhenFull.REJECT)) {
      AuthzService service = new AuthzService(authorizer, sink);
      Decision unrecorded = fill(service, sink);

      assertThat(unrecorded.allowed()).isFalse();
      assertThat(unrecorded.reason()).isEqualTo(ReasonCode.AUDIT_UNAVAILABLE);
      assertThat(unrecorded.httpStatus()).isEqualTo(503);
      assertThat(sink.stats().rejected()).isEqualTo(1);
      assertThat(sink.stats().logged()).isBetween(2L, 999L);
    }
  }

  @Test
  void underDropTheDecisionStandsAndTheLostEventIsCounted() {
    try (KafkaEventSink sink = sink(WhenFull.DROP)) {
      AuthzService service = new AuthzService(authorizer, sink);
      Decision unrecorded = fill(service, sink);

      assertThat(unrecorded.allowed()).isTrue();
      assertThat(sink.stats().dropped()).isEqualTo(1);
      assertThat(sink.stats().rejected()).isZero();
    }
  }
}
