package io.attache.crds;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00.400Z");
  private static final Instant T1 = Instant.parse("2026-11-26T10:05:00Z");

  @Test
  void aNewConditionIsAddedWithTheCurrentTimeAndGeneration() {
    PolicyStatus status = new PolicyStatus();

    Conditions.set(status, Conditions.ACCEPTED, true, "Accepted", "ok", 3, T0);

    Condition accepted = Conditions.find(status, Conditions.ACCEPTED).orElseThrow();
    assertThat(accepted.getStatus()).isEqualTo("True");
    assertThat(accepted.getLastTransitionTime()).isEqualTo("2026-11-26T10:00:00Z");
    assertThat(accepted.getObservedGeneration()).isEqualTo(3);
    assertThat(status.getObservedGeneration()).isEqualTo(3);
  }

  @Test
  void theTransitionTimeStaysWhileTheStatusDoesNotChange() {
    PolicyStatus status = new PolicyStatus();
    Conditions.set(status, Conditions.ACCEPTED, true, "Accepted", "ok", 1, T0);

    Conditions.set(status, Conditions.ACCEPTED, true, "Accepted", "still ok", 2, T1);

    Condition accepted = Conditions.find(status, Conditions.ACCEPTED).orElseThrow();
    assertThat(accepted.getLastTransitionTime()).isEqualTo("2026-11-26T10:00:00Z");
    assertThat(accepted.getMessage()).isEqualTo("still ok");
    assertThat(accepted.getObservedGeneration()).isEqualTo(2);
    assertThat(status.getConditions()).hasSize(1);
  }

  @Test
  void aFlipMovesTheTransitionTime() {
    PolicyStatus status = new PolicyStatus();
    Conditions.set(status, Conditions.ACCEPTED, true, "Accepted", "ok", 1, T0);

    Conditions.set(status, Conditions.ACCEPTED, false, "Invalid", "spec.unit: unknown", 2, T1);

    Condition accepted = Conditions.find(status, Conditions.ACCEPTED).orElseThrow();
    assertThat(accepted.getLastTransitionTime()).isEqualTo("2026-11-26T10:05:00Z");
    assertThat(accepted.getReason()).isEqualTo("Invalid");
    assertThat(Conditions.isTrue(status, Conditions.ACCEPTED)).isFalse();
  }

  @Test
  void conditionsOfDifferentTypesLiveSideBySide() {
    PolicyStatus status = new PolicyStatus();
    Conditions.set(status, Conditions.ACCEPTED, true, "Accepted", "ok", 1, T0);
    Conditions.set(status, Conditions.RESOLVED_REFS, false, "BackendNotFound", "svc/x", 1, T0);

    assertThat(status.getConditions())
        .extracting(Condition::getType)
        .containsExactly(Conditions.ACCEPTED, Conditions.RESOLVED_REFS);
  }
}
