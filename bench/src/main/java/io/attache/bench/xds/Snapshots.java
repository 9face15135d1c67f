package io.attache.bench.xds;

import io.attache.controlplane.translate.XdsResources;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import java.util.List;

/**
 * The snapshot the control plane installs for a translation: content versions per type, then
 * java-control-plane's {@link Snapshot} (which versions every resource again, by hash). The same
 * calls {@code SnapshotPublisher} makes between translating and installing; there they are private.
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
