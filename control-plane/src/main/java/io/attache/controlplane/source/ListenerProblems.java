package io.attache.controlplane.source;

import io.attache.controlplane.translate.GatewayTls;
import java.util.List;

/**
 * The Gateway listeners left out because a certificate reference does not resolve, as errors an
 * operator reads at {@code /resource-errors}: the rest of the Gateway is still served.
 */
final class ListenerProblems {
  private ListenerProblems() {}

  static List<ResourceError> of(List<GatewayTls.Problem> problems) {
    return problems.stream()
        .map(
            p ->
                new ResourceError(
                    "Gateway " + p.gatewayKey(), 0, p.field(), p.reason() + ": " + p.message()))
        .toList();
  }
}
