package io.attache.controlplane.xds;

import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.envoy.config.core.v3.Node;

/**
 * Groups xDS clients by {@code node.cluster} (Envoy's {@code --service-cluster}, grpc-xds's
 * bootstrap {@code node.cluster}); clients that leave it empty share {@link #DEFAULT_GROUP}. Every
 * group gets the same snapshot today; the grouping is where per-fleet views will hook in.
 */
public final class NodeGroups implements NodeGroup<String> {
  public static final String DEFAULT_GROUP = "default";

  @Override
  public String hash(Node node) {
    return node == null || node.getCluster().isEmpty() ? DEFAULT_GROUP : node.getCluster();
  }
}
