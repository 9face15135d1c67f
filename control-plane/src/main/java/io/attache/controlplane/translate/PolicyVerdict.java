package io.attache.controlplane.translate;

import io.attache.crds.Verdict;
import java.util.List;

/**
 * What became of one policy's targets: the services' one {@link Verdict} type, with the policy it
 * is about ({@code <namespace>/<name>}).
 */
public record PolicyVerdict(String policyKey, Verdict verdict) {
  /**
   * Accepted when resolving the targets found no problem; otherwise Conflicted (a target an older
   * policy holds) or TargetNotFound, with every problem.
   */
  static PolicyVerdict of(
      String policyKey, long generation, int targets, List<String> problems, boolean conflicted) {
    return of(policyKey, generation, targets, problems, conflicted, List.of());
  }

  /** As above; an accepted policy's message also tells {@code notes} (where another applies). */
  static PolicyVerdict of(
      String policyKey,
      long generation,
      int targets,
      List<String> problems,
      boolean conflicted,
      List<String> notes) {
    String applied = "applied to " + targets + " targets";
    return new PolicyVerdict(
        policyKey,
        problems.isEmpty()
            ? new Verdict(
                true,
                Verdict.ACCEPTED,
                notes.isEmpty() ? applied : applied + "; " + String.join("; ", notes),
                generation)
            : new Verdict(
                false,
                conflicted ? Verdict.CONFLICTED : "TargetNotFound",
                String.join("; ", problems),
                generation));
  }

  public boolean accepted() {
    return verdict.accepted();
  }

  public String reason() {
    return verdict.reason();
  }

  public String message() {
    return verdict.message();
  }
}
