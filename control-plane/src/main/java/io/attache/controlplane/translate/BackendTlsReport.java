package io.attache.controlplane.translate;

import io.attache.controlplane.model.RouteStatus;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a BackendTLSPolicy's {@code status.ancestors} say (apis/v1/policy_types.go): one entry per
 * Gateway through which an attached route reaches a targeted Service, each with the same {@code
 * Accepted} and {@code ResolvedRefs} conditions, since the policy means the same on every Gateway.
 *
 * @param ancestors the Gateways, as {@code namespace/name}, sorted; empty when no route reaches the
 *     targets ("An empty list means the Policy is not relevant for any ancestors")
 * @param resolvedRefs absent for a policy that was not read (invalid as a whole)
 */
public record BackendTlsReport(
    String policyKey,
    List<String> ancestors,
    RouteStatus.Condition accepted,
    Optional<RouteStatus.Condition> resolvedRefs) {
  public BackendTlsReport {
    Objects.requireNonNull(policyKey, "policyKey");
    ancestors = List.copyOf(ancestors);
    Objects.requireNonNull(accepted, "accepted");
    Objects.requireNonNull(resolvedRefs, "resolvedRefs");
  }
}
