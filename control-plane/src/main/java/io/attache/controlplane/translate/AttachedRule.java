package io.attache.controlplane.translate;

import io.attache.controlplane.model.HttpRouteState;
import java.util.List;
import java.util.Optional;

/**
 * A rule of an accepted route with its backends resolved to cluster names: an empty cluster marks a
 * backend that does not resolve, whose share of the traffic gets a 500, as the spec requires.
 */
record AttachedRule(
    HttpRouteState route,
    HttpRouteState.Rule rule,
    List<WeightedCluster> backends,
    List<MirrorCluster> mirrors) {

  /** A cluster (absent: unresolved) and its weight. */
  record WeightedCluster(Optional<String> cluster, int weight) {}

  /** A cluster requests are mirrored to, for {@code numerator/denominator} of them. */
  record MirrorCluster(String cluster, int numerator, int denominator) {}
}
