package io.attache.crds;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code status} of every attache.io resource, in the Kubernetes API conventions: the
 * generation it describes and a list of conditions ({@code Accepted}, {@code ResolvedRefs}, {@code
 * Programmed}).
 */
public class PolicyStatus {
  private Long observedGeneration;
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
  }
}
