package io.attache.controlplane.source;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/** Kubernetes {@code metav1.Condition}s as the Gateway API statuses we write need them. */
final class StatusConditions {
  // The API server refuses longer condition messages.
  private static final int MAX_MESSAGE = 32_768;

  private StatusConditions() {}

  static Condition of(String type, boolean status, String reason, String message, long generation) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .withMessage(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(
            DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS)))
        .build();
  }

  /** A condition keeps its lastTransitionTime while its status stays the same. */
  static void keepTransitionTimes(List<Condition> now, List<Condition> before) {
    for (Condition condition : now) {
      for (Condition old : before) {
        if (Objects.equals(old.getType(), condition.getType())
            && Objects.equals(old.getStatus(), condition.getStatus())) {
          condition.setLastTransitionTime(old.getLastTransitionTime());
        }
      }
    }
  }

  /** Equal but for transition times: writing would change nothing an operator reads. */
  static boolean same(List<Condition> a, List<Condition> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      Condition x = a.get(i);
      Condition y = b.get(i);
      if (!Objects.equals(x.getType(), y.getType())
          || !Objects.equals(x.getStatus(), y.getStatus())
          || !Objects.equals(x.getReason(), y.getReason())
          || !Objects.equals(x.getMessage(), y.getMessage())
          || !Objects.equals(x.getObservedGeneration(), y.getObservedGeneration())) {
        return false;
      }
    }
    return true;
  }
}
