package io.attache.controlplane.xds;

import com.google.protobuf.Message;
import io.attache.controlplane.translate.ContentVersion;
import io.attache.controlplane.translate.XdsResources;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link XdsResources} as the snapshot cache holds them: per type, the resources by name, each with
 * its own version (for delta clients), and the content version of the type. Built once per list: a
 * list that is the very list of resources versioned before takes over what was built for it (its
 * resources are immutable, so the same list has the same content), since hashing and indexing one
 * type of 10,000 Services costs tens of milliseconds. A new list keeps the version of every
 * resource a known list holds, so an endpoints-only change encodes and hashes only the load
 * assignments that changed, and indexes only the load assignments.
 */
record VersionedResources(
    XdsResources resources,
    SnapshotResources<Cluster> clusters,
    SnapshotResources<ClusterLoadAssignment> loadAssignments,
    SnapshotResources<Listener> listeners,
    SnapshotResources<RouteConfiguration> routes,
    SnapshotResources<Secret> secrets) {

  /** {@code resources} versioned, taking over what {@code known} built for the same lists. */
  static VersionedResources of(XdsResources resources, List<VersionedResources> known) {
    return new VersionedResources(
        resources,
        type(known, resources, XdsResources::clusters, VersionedResources::clusters),
        type(known, resources, XdsResources::loadAssignments, VersionedResources::loadAssignments),
        type(known, resources, XdsResources::listeners, VersionedResources::listeners),
        type(known, resources, XdsResources::routes, VersionedResources::routes),
        type(known, resources, XdsResources::secrets, VersionedResources::secrets));
  }

  /** A snapshot of these resources; snapshots of versioned resources sharing a list share it. */
  Snapshot snapshot() {
    return new SharedSnapshot(clusters, loadAssignments, listeners, routes, secrets);
  }

  private static <T extends Message> SnapshotResources<T> type(
      List<VersionedResources> known,
      XdsResources resources,
      Function<XdsResources, List<T>> list,
      Function<VersionedResources, SnapshotResources<T>> built) {
    List<T> own = list.apply(resources);
    for (VersionedResources candidate : known) {
      if (list.apply(candidate.resources) == own) {
        return built.apply(candidate);
      }
    }
    if (!known.isEmpty() && built.apply(known.get(0)) instanceof IndexedResources<T> last) {
      IndexedResources<T> next = replacing(own, list.apply(known.get(0).resources), last);
      if (next != null) {
        return next;
      }
    }
    // A resource the known snapshots hold (the very object: resources are immutable) keeps its
    // version; only new or changed ones are encoded and hashed. Same versions as
    // XdsResources.version gives, by construction.
    List<VersionedResource<T>> kept = new ArrayList<>(own.size());
    List<T> unknown = new ArrayList<>();
    for (T resource : own) {
      VersionedResource<T> versioned = known(known, built, resource);
      kept.add(versioned);
      if (versioned == null) {
        unknown.add(resource);
      }
    }
    Iterator<String> versions = ContentVersion.versions(unknown).iterator();
    ContentVersion version = new ContentVersion();
    Map<String, VersionedResource<T>> byName = IndexedResources.newIndex(own.size());
    for (int i = 0; i < own.size(); i++) {
      T resource = own.get(i);
      VersionedResource<T> current =
          kept.get(i) != null ? kept.get(i) : VersionedResource.create(resource, versions.next());
      version.add(current.version());
      byName.put(Resources.getResourceName(resource), current);
    }
    return IndexedResources.of(byName, version);
  }

  private static <T extends Message> VersionedResource<T> known(
      List<VersionedResources> known,
      Function<VersionedResources, SnapshotResources<T>> built,
      T resource) {
    if (known.isEmpty()) {
      return null;
    }
    String name = Resources.getResourceName(resource);
    for (VersionedResources candidate : known) {
      VersionedResource<T> versioned = built.apply(candidate).versionedResources().get(name);
      if (versioned != null && versioned.resource() == resource) {
        return versioned;
      }
    }
    return null;
  }

  /**
   * {@code own} as {@code last} with the few resources that are not the very objects of {@code
   * before} (its list) replaced, when that is all that changed: same size, and each changed
   * resource under the name its position had. Costs one comparison per resource and the changed
   * ones' encoding, where building the index anew costs a hash of every name. Null otherwise.
   */
  private static <T extends Message> IndexedResources<T> replacing(
      List<T> own, List<T> before, IndexedResources<T> last) {
    if (own.size() != before.size()) {
      return null;
    }
    Map<String, VersionedResource<T>> replaced = new java.util.HashMap<>();
    ContentVersion encoder = new ContentVersion();
    for (int i = 0; i < own.size(); i++) {
      T resource = own.get(i);
      if (resource == before.get(i)) {
        continue;
      }
      String name = Resources.getResourceName(resource);
      if (!name.equals(Resources.getResourceName(before.get(i)))
          || replaced.size() > own.size() / 8) {
        return null;
      }
      replaced.put(name, VersionedResource.create(resource, encoder.of(resource)));
    }
    return last.replacing(replaced);
  }

  /**
   * java-control-plane's v3 snapshot over resources built before ({@link Snapshot#create} indexes
   * and hashes every resource of every type again). Only the cache reads it.
   */
  static final class SharedSnapshot extends Snapshot {
    private final SnapshotResources<Cluster> clusters;
    private final SnapshotResources<ClusterLoadAssignment> endpoints;
    private final SnapshotResources<Listener> listeners;
    private final SnapshotResources<RouteConfiguration> routes;
    private final SnapshotResources<Secret> secrets;

    SharedSnapshot(
        SnapshotResources<Cluster> clusters,
        SnapshotResources<ClusterLoadAssignment> endpoints,
        SnapshotResources<Listener> listeners,
        SnapshotResources<RouteConfiguration> routes,
        SnapshotResources<Secret> secrets) {
      this.clusters = clusters;
      this.endpoints = endpoints;
      this.listeners = listeners;
      this.routes = routes;
      this.secrets = secrets;
    }

    @Override
    public SnapshotResources<Cluster> clusters() {
      return clusters;
    }

    @Override
    public SnapshotResources<ClusterLoadAssignment> endpoints() {
      return endpoints;
    }

    @Override
    public SnapshotResources<Listener> listeners() {
      return listeners;
    }

    @Override
    public SnapshotResources<RouteConfiguration> routes() {
      return routes;
    }

    @Override
    public SnapshotResources<Secret> secrets() {
      return secrets;
    }

    // Snapshot declares Map<String, VersionedResource<? extends Message>> and v3.Snapshot
    // implements it as Map<String, VersionedResource<?>>: javac accepts neither in a subclass, only
    // the raw type both erase to. The same map either way.
    @Override
    @SuppressWarnings("rawtypes")
    public Map versionedResources(Resources.ResourceType type) {
      return super.versionedResources(type);
    }
  }
}
