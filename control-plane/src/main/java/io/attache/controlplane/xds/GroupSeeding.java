package io.attache.controlplane.xds;

import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;

/**
 * Before the cache opens a watch for a request, makes sure the requester's node group has the
 * current snapshot, so a fleet that connects between two publishes is answered at once.
 */
final class GroupSeeding implements DiscoveryServerCallbacks {
  private final NodeGroups groups;
  private final SnapshotPublisher publisher;

  GroupSeeding(NodeGroups groups, SnapshotPublisher publisher) {
    this.groups = groups;
    this.publisher = publisher;
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    if (request.hasNode()) {
      publisher.seed(groups.hash(request.getNode()));
    }
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
    if (request.hasNode()) {
      publisher.seed(groups.hash(request.getNode()));
    }
  }
}
