package io.attache.controlplane.model;

import java.util.Objects;

/**
 * What became of one HTTPRoute for one of its parents, as the Gateway API's {@code
 * status.parents[]} reports it: {@code Accepted} (did it attach) and {@code ResolvedRefs} (do all
 * its backends exist and may be referenced).
 */
public record RouteStatus(
    String routeKey,
    long generation,
    HttpRouteState.ParentRef parent,
    Condition accepted,
    Condition resolvedRefs) {
  public RouteStatus {
    Objects.requireNonNull(routeKey, "routeKey");
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(accepted, "accepted");
    Objects.requireNonNull(resolvedRefs, "resolvedRefs");
  }

  /** Whether anything about this parent needs the operator's attention. */
  public boolean healthy() {
    return accepted.status() && resolvedRefs.status();
  }

  /** One Gateway API condition: true or false, a CamelCase reason, a human message. */
  public record Condition(boolean status, String reason, String message) {
    public Condition {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }
}
