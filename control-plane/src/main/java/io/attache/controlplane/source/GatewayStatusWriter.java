package io.attache.controlplane.source;

import io.attache.controlplane.model.GatewayReport;
import io.attache.controlplane.model.RouteKind;
import io.attache.crds.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the {@code status} of Gateways of our class: the {@code Accepted} and {@code Programmed}
 * conditions (others' condition types are kept, as the spec requires) and {@code listeners[]},
 * which belongs to the Gateway's one controller. Writes only when something other than a transition
 * time would change, so the informer's echo of a write never causes another.
 */
final class GatewayStatusWriter {
  private static final Logger log = LoggerFactory.getLogger(GatewayStatusWriter.class);
  private static final Set<String> OURS = Set.of("Accepted", "Programmed");

  private final KubernetesClient client;

  GatewayStatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /**
   * @param report what the served version of the Gateway became; empty when none is served
   * @param invalid why the current version is invalid as a whole, when it is
   * @param invalidReason the {@code Accepted} reason when it is: {@code InvalidParameters} for its
   *     infrastructure parameters, else {@code Invalid}
   */
  void write(
      Gateway gateway,
      Optional<GatewayReport> report,
      Optional<String> invalid,
      String invalidReason) {
    long generation = Metadata.generation(gateway);
    List<Condition> conditions = new ArrayList<>();
    List<ListenerStatus> listeners = new ArrayList<>();
    if (invalid.isPresent()) {
      conditions.add(Conditions.of("Accepted", false, invalidReason, invalid.get(), generation));
    }
    if (report.isPresent()) {
      for (GatewayReport.Condition c : report.get().conditions()) {
        if (invalid.isEmpty() || !c.type().equals("Accepted")) {
          conditions.add(Conditions.of(c.type(), c.status(), c.reason(), c.message(), generation));
        }
      }
      for (GatewayReport.ListenerReport l : report.get().listeners()) {
        listeners.add(listener(l, generation));
      }
    } else {
      conditions.add(
          Conditions.of("Programmed", false, "Invalid", "no valid version to serve", generation));
    }
    GatewayStatus current = gateway.getStatus();
    if (current != null
        && Conditions.same(ours(current), conditions)
        && sameListeners(HttpRouteConverter.orEmpty(current.getListeners()), listeners)) {
      return;
    }
    try {
      client
          .resources(Gateway.class)
          .inNamespace(Metadata.namespace(gateway))
          .withName(gateway.getMetadata().getName())
          .editStatus(
              latest -> {
                GatewayStatus status =
                    latest.getStatus() == null ? new GatewayStatus() : latest.getStatus();
                List<Condition> merged = new ArrayList<>();
                for (Condition other : HttpRouteConverter.orEmpty(status.getConditions())) {
                  if (!OURS.contains(other.getType())) {
                    merged.add(other);
                  }
                }
                Conditions.keepTransitionTimes(conditions, ours(status));
                merged.addAll(conditions);
                for (ListenerStatus listener : listeners) {
                  HttpRouteConverter.orEmpty(status.getListeners()).stream()
                      .filter(before -> Objects.equals(before.getName(), listener.getName()))
                      .forEach(
                          before ->
                              Conditions.keepTransitionTimes(
                                  listener.getConditions(),
                                  HttpRouteConverter.orEmpty(before.getConditions())));
                }
                status.setConditions(merged);
                status.setListeners(listeners);
                latest.setStatus(status);
                return latest;
              });
    } catch (KubernetesClientException e) {
      log.warn(
          "could not write the status of Gateway {}: {}",
          KubernetesResources.key(gateway),
          e.getMessage());
    }
  }

  private static ListenerStatus listener(GatewayReport.ListenerReport report, long generation) {
    ListenerStatus status = new ListenerStatus();
    status.setName(report.name());
    status.setAttachedRoutes(report.attachedRoutes());
    List<RouteGroupKind> kinds = new ArrayList<>();
    for (RouteKind supported : report.supportedKinds()) {
      RouteGroupKind kind = new RouteGroupKind();
      kind.setGroup(HttpRouteConverter.GATEWAY_GROUP);
      kind.setKind(supported.kindName());
      kinds.add(kind);
    }
    status.setSupportedKinds(kinds);
    List<Condition> conditions = new ArrayList<>();
    for (GatewayReport.Condition c : report.conditions()) {
      conditions.add(Conditions.of(c.type(), c.status(), c.reason(), c.message(), generation));
    }
    status.setConditions(conditions);
    return status;
  }

  private static List<Condition> ours(GatewayStatus status) {
    return HttpRouteConverter.orEmpty(status.getConditions()).stream()
        .filter(c -> OURS.contains(c.getType()))
        .toList();
  }

  private static boolean sameListeners(List<ListenerStatus> a, List<ListenerStatus> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      ListenerStatus x = a.get(i);
      ListenerStatus y = b.get(i);
      if (!Objects.equals(x.getName(), y.getName())
          || !Objects.equals(x.getAttachedRoutes(), y.getAttachedRoutes())
          || !Objects.equals(
              HttpRouteConverter.orEmpty(x.getSupportedKinds()),
              HttpRouteConverter.orEmpty(y.getSupportedKinds()))
          || !Conditions.same(HttpRouteConverter.orEmpty(x.getConditions()), y.getConditions())) {
        return false;
      }
    }
    return true;
  }
}
