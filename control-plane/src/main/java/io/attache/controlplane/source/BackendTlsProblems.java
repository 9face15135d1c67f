package io.attache.controlplane.source;

import io.attache.controlplane.model.BackendTlsState;
import io.attache.controlplane.model.ClusterState;
import java.util.ArrayList;
import java.util.List;

/**
 * The CA references of served BackendTLSPolicies that do not resolve, as errors an operator reads
 * at {@code /resource-errors}. The policy is still served (its requests fail, as the API asks), so
 * these are problems of the state, never a reason to refuse the read.
 */
final class BackendTlsProblems {
  private BackendTlsProblems() {}

  static List<ResourceError> of(ClusterState state) {
    List<ResourceError> errors = new ArrayList<>();
    for (BackendTlsState policy : state.backendTls()) {
      for (BackendTlsState.RefProblem problem : policy.refProblems()) {
        errors.add(
            new ResourceError(
                "BackendTLSPolicy " + policy.key(),
                0,
                problem.field(),
                problem.reason() + ": " + problem.message() + "; requests to its backends fail"));
      }
    }
    return errors;
  }
}
