package io.attache.authz.policy;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Identity;
import io.attache.authz.core.RequestReads;
import java.util.Objects;

/**
 * An ordered authorization rule: when its condition holds, it decides ({@code allow} or {@code
 * deny}); rules are tried in order and the first that holds wins.
 */
public record Rule(String name, Action action, Condition when) {

  /** What a holding rule decides. */
  public enum Action {
    ALLOW,
    DENY
  }

  /** A compiled condition; evaluation never throws. */
  public interface Condition {
    Outcome test(CheckInput input, Identity identity);

    /** What of a request the condition reads; one that does not say cannot be remembered. */
    default RequestReads reads() {
      return RequestReads.unkeyable("a condition that does not say what it reads");
    }
  }

  /** The result of a condition. {@code ERROR} (e.g. a missing claim) denies, never allows. */
  public enum Outcome {
    MATCH,
    NO_MATCH,
    ERROR
  }

  public Rule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(when, "when");
  }
}
