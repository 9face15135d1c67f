package io.attache.controlplane.source;

import io.attache.controlplane.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Checks a Kubernetes label selector as the API server does ({@code metav1.LabelSelector}: each
 * requirement's operator one of In, NotIn, Exists, DoesNotExist; values for In and NotIn, none for
 * the other two) and turns it into a {@link LabelSelector}.
 */
final class LabelSelectors {
  private LabelSelectors() {}

  /**
   * {@code selector} checked; empty, with each problem given to {@code problem} (field, message),
   * when it is invalid.
   */
  static Optional<LabelSelector> convert(
      io.fabric8.kubernetes.api.model.LabelSelector selector,
      String path,
      BiConsumer<String, String> problem) {
    Map<String, String> labels =
        selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    List<LabelSelectorRequirement> expressions =
        selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
    List<LabelSelector.Requirement> requirements = new ArrayList<>();
    boolean valid = true;
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (label.getKey() == null || label.getKey().isEmpty() || label.getValue() == null) {
        problem.accept(path + ".matchLabels", "a label needs a key and a value");
        valid = false;
      }
    }
    for (int i = 0; i < expressions.size(); i++) {
      Optional<LabelSelector.Requirement> requirement =
          requirement(expressions.get(i), path + ".matchExpressions[" + i + "]", problem);
      valid &= requirement.isPresent();
      requirement.ifPresent(requirements::add);
    }
    return valid ? Optional.of(new LabelSelector(labels, requirements)) : Optional.empty();
  }

  private static Optional<LabelSelector.Requirement> requirement(
      LabelSelectorRequirement expression, String path, BiConsumer<String, String> problem) {
    List<String> values = expression.getValues() == null ? List.of() : expression.getValues();
    if (expression.getKey() == null || expression.getKey().isEmpty()) {
      problem.accept(path + ".key", "required");
      return Optional.empty();
    }
    LabelSelector.Operator operator = null;
    for (LabelSelector.Operator candidate : LabelSelector.Operator.values()) {
      if (candidate.apiName().equals(expression.getOperator())) {
        operator = candidate;
      }
    }
    if (operator == null) {
      problem.accept(
          path + ".operator",
          "must be In, NotIn, Exists or DoesNotExist, was '" + expression.getOperator() + "'");
      return Optional.empty();
    }
    boolean needsValues =
        operator == LabelSelector.Operator.IN || operator == LabelSelector.Operator.NOT_IN;
    if (needsValues == values.isEmpty()) {
      problem.accept(
          path + ".values",
          needsValues
              ? "required (at least one) for operator " + operator.apiName()
              : "must be empty for operator " + operator.apiName());
      return Optional.empty();
    }
    return Optional.of(new LabelSelector.Requirement(expression.getKey(), operator, values));
  }
}
