package io.attache.runtime;

import java.util.List;

/** Settings that cannot be used; the message names every bad variable and why. */
public final class InvalidSettingsException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public InvalidSettingsException(List<String> problems) {
    super("invalid settings:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
