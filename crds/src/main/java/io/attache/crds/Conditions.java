package io.attache.crds;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Sets conditions the way Kubernetes' own {@code meta.SetStatusCondition} does: one condition per
 * type; {@code lastTransitionTime} moves only when the status flips, so watchers can tell how long
 * a resource has been in its state; reason, message and observedGeneration always follow the latest
 * reconcile.
 */
public final class Conditions {
  /** The resource is valid and taken into the served configuration. */
  public static final String ACCEPTED = "Accepted";

  /** Every reference it makes (targets, secrets, services) resolves. */
  public static final String RESOLVED_REFS = "ResolvedRefs";

  /** The data plane has been sent the configuration. */
  public static final String PROGRAMMED = "Programmed";

  private Conditions() {}

  public static void set(
      PolicyStatus status,
      String type,
      boolean value,
      String reason,
      String message,
      long generation,
      Instant now) {
    String statusValue = value ? "True" : "False";
    String time = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
    Optional<Condition> existing = find(status, type);
    String transition =
        existing
            .filter(c -> statusValue.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .orElse(time);
    Condition condition =
        new ConditionBuilder()
            .withType(type)
            .withStatus(statusValue)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(transition)
            .build();
    existing.ifPresentOrElse(
        c -> status.getConditions().set(status.getConditions().indexOf(c), condition),
        () -> status.getConditions().add(condition));
    status.setObservedGeneration(generation);
  }

  public static Optional<Condition> find(PolicyStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(PolicyStatus status, String type) {
    return find(status, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
