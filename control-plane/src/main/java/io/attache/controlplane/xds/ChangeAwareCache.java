package io.attache.controlplane.xds;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.CacheStatusInfo;
import io.envoyproxy.controlplane.cache.DeltaCacheStatusInfo;
import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.controlplane.cache.ResourceVersionResolver;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * java-control-plane's snapshot cache, answering delta watches in the time the change takes. On
 * each new snapshot the library compares every resource of every type with the last snapshot's to
 * find what delta clients must be sent: at 50,000 Services, tens of milliseconds for one changed
 * load assignment. Where the publisher knows the answer (a type whose resources are the very ones
 * of the last snapshot: nothing; resources derived from the last ones by replacing a few: those
 * few, see {@link IndexedResources#replacedSince}) the library is handed just those to compare,
 * with the real versions; otherwise the whole snapshot, as before. State-of-the-world watches
 * always get the whole snapshot.
 */
final class ChangeAwareCache extends SimpleCache<String> {
  ChangeAwareCache(NodeGroup<String> groups) {
    super(groups);
  }

  @Override
  protected void respondWithSpecificOrder(
      String group,
      Snapshot previous,
      Snapshot snapshot,
      Map<ResourceType, CacheStatusInfo<String>> statusMap,
      Map<ResourceType, DeltaCacheStatusInfo<String>> deltaStatusMap) {
    if (previous == null || deltaStatusMap.isEmpty()) {
      super.respondWithSpecificOrder(group, previous, snapshot, statusMap, deltaStatusMap);
      return;
    }
    // A client speaks either protocol on its stream, so the order of types holds within each.
    super.respondWithSpecificOrder(group, previous, snapshot, statusMap, Map.of());
    super.respondWithSpecificOrder(
        group,
        view(previous, snapshot, true),
        view(previous, snapshot, false),
        Map.of(),
        deltaStatusMap);
  }

  /** {@code before} (or {@code after}) narrowed, per type, to what may differ between the two. */
  private static Snapshot view(Snapshot before, Snapshot after, boolean ofBefore) {
    return new VersionedResources.SharedSnapshot(
        narrowed(before.clusters(), after.clusters(), ofBefore),
        narrowed(before.endpoints(), after.endpoints(), ofBefore),
        narrowed(before.listeners(), after.listeners(), ofBefore),
        narrowed(before.routes(), after.routes(), ofBefore),
        narrowed(before.secrets(), after.secrets(), ofBefore));
  }

  private static <T extends Message> SnapshotResources<T> narrowed(
      SnapshotResources<T> before, SnapshotResources<T> after, boolean ofBefore) {
    SnapshotResources<T> side = ofBefore ? before : after;
    Optional<Set<String>> names =
        before == after
            ? Optional.of(Set.of())
            : after instanceof IndexedResources<T> indexed
                ? indexed.replacedSince(before)
                : Optional.empty();
    return names.<SnapshotResources<T>>map(n -> new Narrowed<>(side, n)).orElse(side);
  }

  /** Some of a type's resources, with the type's real version. */
  private static final class Narrowed<T extends Message> extends SnapshotResources<T> {
    private final SnapshotResources<T> all;
    private final Map<String, VersionedResource<T>> versioned = new LinkedHashMap<>();
    private final Map<String, T> resources = new LinkedHashMap<>();

    Narrowed(SnapshotResources<T> all, Set<String> names) {
      this.all = all;
      for (String name : names) {
        VersionedResource<T> resource = all.versionedResources().get(name);
        if (resource != null) {
          versioned.put(name, resource);
          resources.put(name, resource.resource());
        }
      }
    }

    @Override
    public Map<String, VersionedResource<T>> versionedResources() {
      return versioned;
    }

    @Override
    public Map<String, T> resources() {
      return resources;
    }

    @Override
    public ResourceVersionResolver resourceVersionResolver() {
      return all.resourceVersionResolver();
    }

    @Override
    public String version() {
      return all.version();
    }
  }
}
