package io.attache.controlplane.xds;

import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.envoy.config.core.v3.Node;

/**
 * Groups xDS clients by {@code node.cluster} (Envoy's {@code --service-cluster}, grpc-xds's
 * bootstrap {@code node.cluster}; empty: {@link #DEFAULT_GROUP}) and by the kind of client, which
 * decides what the group may be sent: an Envoy's group is the cluster name ({@code edge}), a
 * proxyless gRPC client's is the cluster name with {@link #PROXYLESS_SUFFIX} ({@code
 * edge/proxyless}). Envoy refuses {@code api_listener} Listeners over LDS (they belong in its
 * bootstrap), which proxyless clients need; so the two kinds never share a snapshot. The suffix is
 * reserved: an Envoy whose cluster name ends with it would be served as a proxyless client.
 */
public final class NodeGroups implements NodeGroup<String> {
  public static final String DEFAULT_GROUP = "default";
  public static final String PROXYLESS_SUFFIX = "/proxyless";
  public static final String DEFAULT_PROXYLESS_GROUP = DEFAULT_GROUP + PROXYLESS_SUFFIX;

  // grpc-java sends "gRPC Java", grpc-go "gRPC Go", C-core based languages "gRPC C-core ..."; Envoy
  // sends "envoy".
  private static final String GRPC_USER_AGENT_PREFIX = "gRPC";

  /** What a client can take. */
  public enum ClientKind {
    /** Envoy, and any client that does not say it is gRPC: no API listeners. */
    ENVOY,
    /** A proxyless gRPC client ({@code node.user_agent_name} starting with {@code gRPC}). */
    PROXYLESS_GRPC
  }

  @Override
  public String hash(Node node) {
    String cluster =
        node == null || node.getCluster().isEmpty() ? DEFAULT_GROUP : node.getCluster();
    return kindOf(node) == ClientKind.PROXYLESS_GRPC ? cluster + PROXYLESS_SUFFIX : cluster;
  }

  /** The kind of client {@code node} is, from its {@code user_agent_name}. */
  public static ClientKind kindOf(Node node) {
    return node != null && node.getUserAgentName().startsWith(GRPC_USER_AGENT_PREFIX)
        ? ClientKind.PROXYLESS_GRPC
        : ClientKind.ENVOY;
  }

  /** The kind of client a group named by {@link #hash} holds. */
  public static ClientKind kindOf(String group) {
    return group.endsWith(PROXYLESS_SUFFIX) ? ClientKind.PROXYLESS_GRPC : ClientKind.ENVOY;
  }
}
