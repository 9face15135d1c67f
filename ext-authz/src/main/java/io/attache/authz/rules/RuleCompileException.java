package io.attache.authz.rules;

import java.util.Objects;

/**
 * A rule's CEL expression could not be compiled: a syntax error, a reference to an undeclared
 * variable or function, or a result that is not {@code bool}. Raised once, at policy load; the
 * message names the rule, quotes the expression and carries CEL's own error text (with line, column
 * and a caret under the offending token).
 */
public final class RuleCompileException extends Exception {

  private final String ruleName;
  private final String expression;
  private final String error;

  public RuleCompileException(String ruleName, String expression, String error) {
    super(
        "rule '"
            + Objects.requireNonNull(ruleName, "ruleName")
            + "': cannot compile \""
            + Objects.requireNonNull(expression, "expression")
            + "\": "
            + Objects.requireNonNull(error, "error"));
    this.ruleName = ruleName;
    this.expression = expression;
    this.error = error;
  }

  public String ruleName() {
    return ruleName;
  }

  public String expression() {
    return expression;
  }

  /** The compiler's error text, possibly several lines (one issue per line plus a caret line). */
  public String error() {
    return error;
  }
}
