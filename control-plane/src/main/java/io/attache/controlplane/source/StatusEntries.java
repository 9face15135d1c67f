package io.attache.controlplane.source;

import io.attache.controlplane.model.RouteStatus;
import io.attache.crds.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Gateway API status lists whose entries several controllers share, each entry keyed by a reference
 * and holding its conditions: a route's {@code status.parents} (by parentRef) and a policy's {@code
 * status.ancestors} (by ancestorRef). Ours are those whose {@code controllerName} is {@link
 * RouteStatusWriter#CONTROLLER}; the others are never changed.
 */
final class StatusEntries<E> {
  static final StatusEntries<RouteParentStatus> ROUTE_PARENTS =
      new StatusEntries<>(
          RouteParentStatus::getControllerName,
          RouteParentStatus::getParentRef,
          RouteParentStatus::getConditions);
  static final StatusEntries<PolicyAncestorStatus> POLICY_ANCESTORS =
      new StatusEntries<>(
          PolicyAncestorStatus::getControllerName,
          PolicyAncestorStatus::getAncestorRef,
          PolicyAncestorStatus::getConditions);

  private final Function<E, String> controller;
  private final Function<E, Object> reference;
  private final Function<E, List<Condition>> conditions;

  private StatusEntries(
      Function<E, String> controller,
      Function<E, Object> reference,
      Function<E, List<Condition>> conditions) {
    this.controller = controller;
    this.reference = reference;
    this.conditions = conditions;
  }

  List<E> ours(List<E> entries) {
    return HttpRouteConverter.orEmpty(entries).stream()
        .filter(e -> RouteStatusWriter.CONTROLLER.equals(controller.apply(e)))
        .toList();
  }

  List<E> theirs(List<E> entries) {
    return HttpRouteConverter.orEmpty(entries).stream()
        .filter(e -> !RouteStatusWriter.CONTROLLER.equals(controller.apply(e)))
        .toList();
  }

  /** A condition keeps its lastTransitionTime while its status stays the same. */
  void keepTransitionTimes(E entry, List<E> ourPrevious) {
    for (E before : ourPrevious) {
      if (Objects.equals(reference.apply(before), reference.apply(entry))) {
        Conditions.keepTransitionTimes(
            conditions.apply(entry), HttpRouteConverter.orEmpty(conditions.apply(before)));
      }
    }
  }

  /** Whether two lists of ours say the same: the same references with the same conditions. */
  boolean same(List<E> a, List<E> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Objects.equals(reference.apply(a.get(i)), reference.apply(b.get(i)))
          || !Conditions.same(
              HttpRouteConverter.orEmpty(conditions.apply(a.get(i))), conditions.apply(b.get(i)))) {
        return false;
      }
    }
    return true;
  }

  static Condition condition(String type, RouteStatus.Condition condition, long generation) {
    return Conditions.of(
        type, condition.status(), condition.reason(), condition.message(), generation);
  }
}
