package io.attache.controlplane.source;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.RouteStatus;
import io.attache.controlplane.translate.RouteResolver;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTPRoute parents that did not attach or whose backends do not resolve, as errors an operator
 * reads at {@code /resource-errors}: they do not stop the rest of the configuration.
 */
final class RouteProblems {
  private RouteProblems() {}

  static List<ResourceError> of(List<RouteStatus> statuses) {
    List<ResourceError> problems = new ArrayList<>();
    for (RouteStatus status : statuses) {
      if (!status.accepted().status()) {
        problems.add(problem(status, status.accepted()));
      } else if (!status.resolvedRefs().status()) {
        problems.add(problem(status, status.resolvedRefs()));
      }
    }
    return problems;
  }

  static List<ResourceError> of(ClusterState state) {
    return of(new RouteResolver().resolve(state).statuses());
  }

  private static ResourceError problem(RouteStatus status, RouteStatus.Condition condition) {
    HttpRouteState.ParentRef parent = status.parent();
    return new ResourceError(
        HttpRouteState.describeKey(status.routeKey()),
        0,
        "status.parents[" + parent + "]",
        condition.reason() + ": " + condition.message());
  }
}
