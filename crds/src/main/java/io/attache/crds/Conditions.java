package io.attache.crds;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Kubernetes {@code metav1.Condition}s for every status Attaché writes (policies, Gateway API
 * objects), set the way Kubernetes' own {@code meta.SetStatusCondition} does: one condition per
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

  // The API server refuses longer condition messages.
  private static final int MAX_MESSAGE = 32_768;

  private Conditions() {}

  /**
   * A condition as of now, its message cut to what the API server accepts; {@link
   * #keepTransitionTimes} then keeps the transition time of one whose status did not flip.
   */
  public static Condition of(
      String type, boolean status, String reason, String message, long generation) {
    return of(type, status, reason, message, generation, Instant.now());
  }

  private static Condition of(
      String type, boolean status, String reason, String message, long generation, Instant now) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .withMessage(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(
            DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)))
        .build();
  }

  /** A condition keeps its lastTransitionTime while its status stays the same. */
  public static void keepTransitionTimes(List<Condition> now, List<Condition> before) {
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
  public static boolean same(List<Condition> a, List<Condition> b) {
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

  public static void set(
      PolicyStatus status,
      String type,
      boolean value,
      String reason,
      String message,
      long generation,
      Instant now) {
    Condition condition = of(type, value, reason, message, generation, now);
    Optional<Condition> existing = find(status, type);
    keepTransitionTimes(List.of(condition), existing.map(List::of).orElse(List.of()));
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
