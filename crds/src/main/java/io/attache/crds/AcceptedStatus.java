package io.attache.crds;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a resource's {@code Accepted} condition and {@code observedGeneration}, only when they
 * differ from what the resource already says: replicas that compute the same verdict then write
 * once between them, and a status write never triggers another.
 */
public final class AcceptedStatus {
  private static final Logger log = LoggerFactory.getLogger(AcceptedStatus.class);

  private AcceptedStatus() {}

  public static <T extends CustomResource<?, PolicyStatus>> void write(
      KubernetesClient client, Class<T> type, T resource, Verdict verdict) {
    write(client, type, resource, Conditions.ACCEPTED, verdict);
  }

  /**
   * Writes {@code conditionType} rather than {@code Accepted}: for a component that judges one
   * aspect of a resource another component accepts (the control plane resolves the targets of
   * policies that ext-authz and ratelimit-service accept).
   */
  public static <T extends CustomResource<?, PolicyStatus>> void write(
      KubernetesClient client, Class<T> type, T resource, String conditionType, Verdict verdict) {
    if (upToDate(resource.getStatus(), conditionType, verdict)) {
      return;
    }
    try {
      client
          .resources(type)
          .inNamespace(resource.getMetadata().getNamespace())
          .withName(resource.getMetadata().getName())
          .editStatus(
              current -> {
                PolicyStatus status =
                    current.getStatus() == null ? new PolicyStatus() : current.getStatus();
                Conditions.set(
                    status,
                    conditionType,
                    verdict.accepted(),
                    verdict.reason(),
                    verdict.message(),
                    verdict.generation(),
                    Instant.now());
                current.setStatus(status);
                return current;
              });
    } catch (KubernetesClientException e) {
      log.warn(
          "could not write the status of {} {}/{}: {}",
          resource.getKind(),
          resource.getMetadata().getNamespace(),
          resource.getMetadata().getName(),
          e.getMessage());
    }
  }

  static boolean upToDate(PolicyStatus status, Verdict verdict) {
    return upToDate(status, Conditions.ACCEPTED, verdict);
  }

  static boolean upToDate(PolicyStatus status, String conditionType, Verdict verdict) {
    if (status == null) {
      return false;
    }
    Optional<Condition> accepted = Conditions.find(status, conditionType);
    return accepted.isPresent()
        && (verdict.accepted() ? "True" : "False").equals(accepted.get().getStatus())
        && verdict.reason().equals(accepted.get().getReason())
        && verdict.message().equals(accepted.get().getMessage())
        && Long.valueOf(verdict.generation()).equals(accepted.get().getObservedGeneration())
        && Long.valueOf(verdict.generation()).equals(status.getObservedGeneration());
  }
}
