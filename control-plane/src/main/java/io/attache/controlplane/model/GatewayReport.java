package io.attache.controlplane.model;

import java.util.List;
import java.util.Objects;

/**
 * What the control plane made of one Gateway, as the Gateway API's {@code status} reports it: the
 * Gateway's {@code Accepted} and {@code Programmed} conditions and one entry per listener.
 */
public record GatewayReport(
    String gatewayKey,
    long generation,
    List<Condition> conditions,
    List<ListenerReport> listeners) {
  public GatewayReport {
    Objects.requireNonNull(gatewayKey, "gatewayKey");
    conditions = List.copyOf(conditions);
    listeners = List.copyOf(listeners);
  }

  /**
   * One listener's status.
   *
   * @param supportedKinds its {@code supportedKinds}, in the order the status lists them
   * @param attachedRoutes how many routes attached to it and were accepted
   * @param conditions {@code Accepted}, {@code Conflicted}, {@code ResolvedRefs}, {@code
   *     Programmed}
   */
  public record ListenerReport(
      String name, List<RouteKind> supportedKinds, int attachedRoutes, List<Condition> conditions) {
    public ListenerReport {
      Objects.requireNonNull(name, "name");
      supportedKinds = List.copyOf(supportedKinds);
      conditions = List.copyOf(conditions);
    }

    /** Whether any route kind may attach to it. */
    public boolean routesSupported() {
      return !supportedKinds.isEmpty();
    }
  }

  /** One condition: a type, true or false, a CamelCase reason and a message. */
  public record Condition(String type, boolean status, String reason, String message) {
    public Condition {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }
}
