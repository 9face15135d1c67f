package io.attache.controlplane.source;

import io.attache.controlplane.translate.BackendTlsReport;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a BackendTLSPolicy's {@code status.ancestors} (apis/v1/policy_types.go): our entries, one
 * per Gateway, keyed by ancestorRef and controllerName; other controllers' entries are kept, and no
 * more than the API's 16 are ever written ("If this slice is full, implementations MUST NOT add
 * further entries"). A write that would change nothing is skipped.
 */
final class BackendTlsStatusWriter {
  static final int MAX_ANCESTORS = 16;
  private static final StatusEntries<PolicyAncestorStatus> ENTRIES = StatusEntries.POLICY_ANCESTORS;
  private static final Logger log = LoggerFactory.getLogger(BackendTlsStatusWriter.class);

  private final KubernetesClient client;

  BackendTlsStatusWriter(KubernetesClient client) {
    this.client = client;
  }

  void write(BackendTLSPolicy policy, BackendTlsReport report) {
    long generation = Metadata.generation(policy);
    List<PolicyAncestorStatus> ours = new ArrayList<>();
    for (String gateway : report.ancestors()) {
      List<Condition> conditions = new ArrayList<>();
      conditions.add(StatusEntries.condition("Accepted", report.accepted(), generation));
      report
          .resolvedRefs()
          .ifPresent(c -> conditions.add(StatusEntries.condition("ResolvedRefs", c, generation)));
      PolicyAncestorStatus ancestor = new PolicyAncestorStatus();
      ancestor.setAncestorRef(gatewayRef(gateway));
      ancestor.setControllerName(RouteStatusWriter.CONTROLLER);
      ancestor.setConditions(conditions);
      ours.add(ancestor);
    }
    List<PolicyAncestorStatus> current = ancestors(policy);
    // Compared as it would be written, capped: else a capped policy was written again every read.
    if (ENTRIES.same(ENTRIES.ours(current), capped(ours, current))) {
      return;
    }
    try {
      client
          .resources(BackendTLSPolicy.class)
          .inNamespace(Metadata.namespace(policy))
          .withName(policy.getMetadata().getName())
          .editStatus(
              latest -> {
                List<PolicyAncestorStatus> before = ancestors(latest);
                List<PolicyAncestorStatus> merged = new ArrayList<>(ENTRIES.theirs(before));
                List<PolicyAncestorStatus> previous = ENTRIES.ours(before);
                List<PolicyAncestorStatus> written = capped(ours, before);
                if (written.size() < ours.size()) {
                  log.warn(
                      "BackendTLSPolicy {} has more ancestors than the API's {}: {} and later"
                          + " left out of its status",
                      KubernetesResources.key(policy),
                      MAX_ANCESTORS,
                      ours.get(written.size()).getAncestorRef().getName());
                }
                for (PolicyAncestorStatus ancestor : written) {
                  ENTRIES.keepTransitionTimes(ancestor, previous);
                  merged.add(ancestor);
                }
                PolicyStatus status =
                    latest.getStatus() == null ? new PolicyStatus() : latest.getStatus();
                status.setAncestors(merged);
                latest.setStatus(status);
                return latest;
              });
    } catch (KubernetesClientException e) {
      log.warn(
          "could not write the status of BackendTLSPolicy {}: {}",
          KubernetesResources.key(policy),
          e.getMessage());
    }
  }

  private static ParentReference gatewayRef(String gateway) {
    int slash = gateway.indexOf('/');
    return new ParentReferenceBuilder()
        .withGroup("gateway.networking.k8s.io")
        .withKind("Gateway")
        .withNamespace(gateway.substring(0, slash))
        .withName(gateway.substring(slash + 1))
        .build();
  }

  private static List<PolicyAncestorStatus> ancestors(BackendTLSPolicy policy) {
    return policy.getStatus() == null
        ? List.of()
        : HttpRouteConverter.orEmpty(policy.getStatus().getAncestors());
  }

  /** {@code ours} as many as fit beside the other controllers' entries of {@code current}. */
  static List<PolicyAncestorStatus> capped(
      List<PolicyAncestorStatus> ours, List<PolicyAncestorStatus> current) {
    int room = Math.max(0, MAX_ANCESTORS - ENTRIES.theirs(current).size());
    return ours.size() <= room ? ours : ours.subList(0, room);
  }
}
