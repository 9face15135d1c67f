package io.attache.authz.rules;

import java.util.Objects;
import java.util.Optional;

/**
 * What one evaluation of a {@link CelRule} gave: the rule matched, did not match, or could not be
 * evaluated. An error is a value, never an exception, so that the caller can deny with a reason
 * (and log the error once) instead of failing the request.
 *
 * @param kind which of the three
 * @param error present exactly when {@code kind} is {@link Kind#ERROR}: why evaluation failed,
 *     naming the rule (e.g. {@code rule 'tenant': key 'x-tenant' is not present in map}); it may
 *     quote request data, so it belongs in logs, not in responses
 */
public record RuleOutcome(Kind kind, Optional<String> error) {

  /** The closed set of outcomes. */
  public enum Kind {
    MATCH,
    NO_MATCH,
    ERROR
  }

  public static final RuleOutcome MATCH = new RuleOutcome(Kind.MATCH, Optional.empty());
  public static final RuleOutcome NO_MATCH = new RuleOutcome(Kind.NO_MATCH, Optional.empty());

  public RuleOutcome {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(error, "error");
    if (error.isPresent() != (kind == Kind.ERROR)) {
      throw new IllegalArgumentException("an error message goes with ERROR and only with ERROR");
    }
  }

  public static RuleOutcome error(String message) {
    return new RuleOutcome(Kind.ERROR, Optional.of(message));
  }

  /** True only for {@link Kind#MATCH}; an error never matches. */
  public boolean matched() {
    return kind == Kind.MATCH;
  }
}
