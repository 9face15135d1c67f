package io.attache.bench.xds;

import io.attache.controlplane.translate.XdsResources;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import java.util.List;

/**
 * The snapshot the control plane installs for a full translation: content versions per type, then
 * java-control-plane's {@link Snapshot} (which versions every resource again, by hash). The same
 * work {@code SnapshotPublisher} does after a change beyond endpoints, through its package-private
 * {@code VersionedResources}; after an endpoints-only change it does it for the load assignments
 * only.
 */
final class Snapshots {
  private Snapshots() {}

  /** The four content versions alone: the part of {@link #of} that hashes every resource. */
  static List<String> versions(XdsResources resources) {
    return List.of(
        resources.clustersVersion(),
        resources.loadAssignmentsVersion(),
        resources.listenersVersion(),
        resources.routesVersion());
  }

  static Snapshot of(XdsResources resources) {
    return Snapshot.create(
        resources.clusters(),
        resources.clustersVersion(),
        resources.loadAssignments(),
        resources.loadAssignmentsVersion(),
        resources.listeners(),
        resources.listenersVersion(),
        resources.routes(),
        resources.routesVersion(),
        List.of(),
        "");
  }
}
