package io.attache.controlplane.source;

import io.attache.crds.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts our GatewayClass: {@code Accepted=True} on the class named {@code GATEWAY_CLASS_NAME}
 * whose {@code controllerName} is ours, so {@code kubectl get gatewayclass} shows it taken. A class
 * naming another controller is left alone: it is not ours to accept or refuse. Other condition
 * types are kept; a write happens only when something other than a transition time changes.
 */
final class GatewayClassStatusWriter {
  private static final Logger log = LoggerFactory.getLogger(GatewayClassStatusWriter.class);
  private static final String ACCEPTED = "Accepted";

  private final KubernetesClient client;

  GatewayClassStatusWriter(KubernetesClient client) {
    this.client = client;
  }

  void write(GatewayClass gatewayClass) {
    if (gatewayClass.getSpec() == null
        || !RouteStatusWriter.CONTROLLER.equals(gatewayClass.getSpec().getControllerName())) {
      return;
    }
    long generation = Metadata.generation(gatewayClass);
    List<Condition> ours =
        List.of(
            Conditions.of(
                ACCEPTED,
                true,
                ACCEPTED,
                "the Attaché control plane serves Gateways of this class",
                generation));
    if (gatewayClass.getStatus() != null
        && Conditions.same(accepted(gatewayClass.getStatus()), ours)) {
      return;
    }
    try {
      client
          .resources(GatewayClass.class)
          .withName(gatewayClass.getMetadata().getName())
          .editStatus(
              latest -> {
                GatewayClassStatus status =
                    latest.getStatus() == null ? new GatewayClassStatus() : latest.getStatus();
                Conditions.keepTransitionTimes(ours, accepted(status));
                List<Condition> merged = new ArrayList<>();
                for (Condition other : HttpRouteConverter.orEmpty(status.getConditions())) {
                  if (!ACCEPTED.equals(other.getType())) {
                    merged.add(other);
                  }
                }
                merged.addAll(ours);
                status.setConditions(merged);
                latest.setStatus(status);
                return latest;
              });
    } catch (KubernetesClientException e) {
      log.warn(
          "could not write the status of GatewayClass {}: {}",
          gatewayClass.getMetadata().getName(),
          e.getMessage());
    }
  }

  private static List<Condition> accepted(GatewayClassStatus status) {
    return HttpRouteConverter.orEmpty(status.getConditions()).stream()
        .filter(c -> ACCEPTED.equals(c.getType()))
        .toList();
  }
}
