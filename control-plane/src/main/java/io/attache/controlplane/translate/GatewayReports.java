package io.attache.controlplane.translate;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.GatewayReport;
import io.attache.controlplane.model.GatewayReport.Condition;
import io.attache.controlplane.model.GatewayReport.ListenerReport;
import io.attache.controlplane.model.GatewayState;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Gateway API status of every Gateway in a state: per listener {@code Accepted}, {@code
 * Conflicted}, {@code ResolvedRefs} and {@code Programmed} with {@code attachedRoutes}; per Gateway
 * {@code Accepted} (reason {@code ListenersNotValid} when some listener is not, still true while
 * one is) and {@code Programmed} (true while at least one listener is served). Pure.
 */
public final class GatewayReports {
  private static final String ACCEPTED = "Accepted";
  private static final String CONFLICTED = "Conflicted";
  private static final String RESOLVED_REFS = "ResolvedRefs";
  private static final String PROGRAMMED = "Programmed";

  private GatewayReports() {}

  public static List<GatewayReport> of(
      ClusterState state, RouteAttachments attachments, List<GatewayTls.Problem> tlsProblems) {
    List<GatewayReport> reports = new ArrayList<>();
    for (GatewayState gateway : state.gateways()) {
      reports.add(report(gateway, attachments, tlsProblems));
    }
    return reports;
  }

  private static GatewayReport report(
      GatewayState gateway, RouteAttachments attachments, List<GatewayTls.Problem> tlsProblems) {
    List<ListenerReport> listeners = new ArrayList<>();
    List<String> notAccepted = new ArrayList<>();
    int programmed = 0;
    for (String name : gateway.listenerNames()) {
      List<GatewayState.ListenerNote> notes =
          gateway.notes().stream().filter(n -> n.listener().equals(name)).toList();
      List<GatewayTls.Problem> certificates =
          tlsProblems.stream()
              .filter(p -> p.gatewayKey().equals(gateway.key()) && p.listener().equals(name))
              .toList();
      boolean inState = gateway.listeners().stream().anyMatch(l -> l.name().equals(name));
      List<Condition> conditions = new ArrayList<>();
      Condition accepted =
          first(notes, ACCEPTED, false).orElse(new Condition(ACCEPTED, true, ACCEPTED, "accepted"));
      Condition conflicted =
          first(notes, CONFLICTED, true)
              .orElse(new Condition(CONFLICTED, false, "NoConflicts", "no conflicts"));
      conditions.add(accepted);
      conditions.add(conflicted);
      conditions.add(resolvedRefs(notes, certificates));
      boolean served = inState && certificates.isEmpty();
      conditions.add(
          served
              ? new Condition(
                  PROGRAMMED, true, PROGRAMMED, "served to Envoy as " + port(gateway, name))
              : new Condition(
                  PROGRAMMED, false, "Invalid", "not served: see the other conditions"));
      if (served) {
        programmed++;
      }
      if (!accepted.status() || conflicted.status()) {
        notAccepted.add(name);
      }
      listeners.add(
          new ListenerReport(
              name,
              gateway.routeKinds(name).stream().sorted().toList(),
              attachments.attachedRoutes(gateway.key(), name),
              conditions));
    }
    List<Condition> conditions = new ArrayList<>();
    int total = gateway.listenerNames().size();
    if (notAccepted.isEmpty()) {
      conditions.add(new Condition(ACCEPTED, true, ACCEPTED, "accepted"));
    } else {
      conditions.add(
          new Condition(
              ACCEPTED,
              notAccepted.size() < total,
              "ListenersNotValid",
              "listeners not accepted: " + String.join(", ", notAccepted)));
    }
    conditions.add(
        programmed > 0
            ? new Condition(
                PROGRAMMED, true, PROGRAMMED, programmed + " of " + total + " listeners served")
            : new Condition(PROGRAMMED, false, "Invalid", "no listener can be served"));
    return new GatewayReport(gateway.key(), gateway.generation(), conditions, listeners);
  }

  private static java.util.Optional<Condition> first(
      List<GatewayState.ListenerNote> notes, String type, boolean status) {
    return notes.stream()
        .filter(n -> n.type().equals(type))
        .findFirst()
        .map(n -> new Condition(type, status, n.reason(), n.message()));
  }

  private static Condition resolvedRefs(
      List<GatewayState.ListenerNote> notes, List<GatewayTls.Problem> certificates) {
    List<Condition> problems = new ArrayList<>();
    notes.stream()
        .filter(n -> n.type().equals(RESOLVED_REFS))
        .forEach(n -> problems.add(new Condition(RESOLVED_REFS, false, n.reason(), n.message())));
    certificates.forEach(
        p -> problems.add(new Condition(RESOLVED_REFS, false, p.reason(), p.message())));
    if (problems.isEmpty()) {
      return new Condition(RESOLVED_REFS, true, RESOLVED_REFS, "all references resolved");
    }
    return new Condition(
        RESOLVED_REFS,
        false,
        problems.get(0).reason(),
        problems.stream().map(Condition::message).collect(Collectors.joining("; ")));
  }

  private static String port(GatewayState gateway, String listener) {
    return gateway.listeners().stream()
        .filter(l -> l.name().equals(listener))
        .findFirst()
        .map(l -> gateway.key() + ":" + l.port())
        .orElse(gateway.key());
  }
}
