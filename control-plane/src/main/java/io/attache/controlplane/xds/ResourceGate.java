package io.attache.controlplane.xds;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.protobuf.Message;
import io.attache.controlplane.translate.Parallel;
import io.attache.controlplane.translate.XdsResources;
import io.attache.controlplane.validate.EnvoyApiValidation;
import io.attache.controlplane.validate.Violation;
import io.attache.events.ConfigChange;
import io.attache.events.EventSink;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back what Envoy would refuse. Before a translation is published, every resource whose
 * content differs from the one published under its name is checked against the Envoy API's rules
 * ({@link EnvoyApiValidation}); one that breaks them is replaced by the last published resource of
 * its name, or left out if there is none, and an {@code audit.config} event ({@code REJECTED})
 * names it, its fields and rules, once per refused content. A translator bug then costs one
 * resource its update rather than every client a NACKed push.
 *
 * <p>Content is compared by the resources' versions, which the publisher computes anyway (a hash of
 * the encoding): a full translation of 50,000 Services builds every object anew, and checking them
 * all again would cost seconds where comparing versions costs milliseconds.
 */
final class ResourceGate {
  private static final Logger log = LoggerFactory.getLogger(ResourceGate.class);

  private final EventSink events;
  // Refused contents reported, by type, name and version: a later push of the same content is not
  // reported again. Bounded, since a stream of distinct refusals must not grow it without end.
  private final Cache<String, Boolean> reported = Caffeine.newBuilder().maximumSize(4096).build();

  ResourceGate(EventSink events) {
    this.events = events;
  }

  /**
   * The resources of {@code next} without what breaks the rules: {@code next.resources()} itself
   * when nothing does. {@code last} is what was published before, if anything.
   */
  XdsResources admit(VersionedResources next, Optional<VersionedResources> last) {
    XdsResources resources = next.resources();
    List<Cluster> clusters =
        admit(next, last, XdsResources::clusters, VersionedResources::clusters);
    List<ClusterLoadAssignment> assignments =
        admit(next, last, XdsResources::loadAssignments, VersionedResources::loadAssignments);
    List<Listener> listeners =
        admit(next, last, XdsResources::listeners, VersionedResources::listeners);
    List<RouteConfiguration> routes =
        admit(next, last, XdsResources::routes, VersionedResources::routes);
    List<Secret> secrets = admit(next, last, XdsResources::secrets, VersionedResources::secrets);
    if (clusters == resources.clusters()
        && assignments == resources.loadAssignments()
        && listeners == resources.listeners()
        && routes == resources.routes()
        && secrets == resources.secrets()) {
      return resources;
    }
    return new XdsResources(clusters, assignments, listeners, routes, secrets);
  }

  /** One type's list of {@code next}, admitted against the same type of {@code last}. */
  private <T extends Message> List<T> admit(
      VersionedResources next,
      Optional<VersionedResources> last,
      Function<XdsResources, List<T>> list,
      Function<VersionedResources, SnapshotResources<T>> versioned) {
    return admit(
        list.apply(next.resources()),
        versioned.apply(next),
        last.map(l -> list.apply(l.resources())),
        last.map(versioned));
  }

  /** The list itself when nothing in it is refused, else a copy with the refusals handled. */
  private <T extends Message> List<T> admit(
      List<T> list,
      SnapshotResources<T> versioned,
      Optional<List<T>> lastList,
      Optional<SnapshotResources<T>> lastVersioned) {
    if (lastList.isPresent() && lastList.get() == list) {
      return list; // the very list published last: every resource in it was admitted then
    }
    Map<String, VersionedResource<T>> before =
        lastVersioned.map(SnapshotResources::versionedResources).orElse(Map.of());
    List<Integer> fresh = freshIndices(list, lastList.orElse(List.of()), versioned, before);
    List<List<Violation>> violations =
        Parallel.map(fresh, i -> EnvoyApiValidation.validate(list.get(i)));
    List<T> admitted = list;
    for (int f = 0; f < fresh.size(); f++) {
      if (violations.get(f).isEmpty()) {
        continue;
      }
      T refused = list.get(fresh.get(f));
      String name = Resources.getResourceName(refused);
      VersionedResource<T> lastGood = before.get(name);
      report(refused, name, versioned, violations.get(f), lastGood != null);
      if (admitted == list) {
        admitted = new ArrayList<>(list);
      }
      admitted.set(fresh.get(f), lastGood == null ? null : lastGood.resource());
    }
    if (admitted != list) {
      admitted.removeIf(r -> r == null);
    }
    return admitted;
  }

  /**
   * Where {@code list} holds what was not published: not the very object at the same place in
   * {@code last} (the cheap test that settles an endpoints change), and not the same version under
   * the same name (what settles a full translation, whose objects are all new).
   */
  private static <T extends Message> List<Integer> freshIndices(
      List<T> list,
      List<T> last,
      SnapshotResources<T> versioned,
      Map<String, VersionedResource<T>> before) {
    List<Integer> fresh = new ArrayList<>();
    Map<String, VersionedResource<T>> versions = versioned.versionedResources();
    int aligned = Math.min(list.size(), last.size());
    for (int i = 0; i < list.size(); i++) {
      T resource = list.get(i);
      if (i < aligned && last.get(i) == resource) {
        continue;
      }
      String name = Resources.getResourceName(resource);
      VersionedResource<T> published = before.get(name);
      if (published == null
          || (published.resource() != resource
              && !published.version().equals(versions.get(name).version()))) {
        fresh.add(i);
      }
    }
    return fresh;
  }

  private <T extends Message> void report(
      T refused,
      String name,
      SnapshotResources<T> versioned,
      List<Violation> violations,
      boolean kept) {
    String type = refused.getDescriptorForType().getName();
    String key = type + '/' + name + '@' + versioned.versionedResources().get(name).version();
    if (reported.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
      return;
    }
    // A Secret's values are key material: its violations are named by field and rule only.
    Function<Violation, String> shown =
        refused instanceof Secret ? v -> v.field() + ": " + v.rule() : Violation::toString;
    String message =
        "breaks the Envoy API's rules ("
            + String.join("; ", violations.stream().map(shown).toList())
            + "); "
            + (kept ? "the last valid version is still served" : "left out");
    log.error("xDS {} {} {}", type, name, message);
    events.publish(
        new ConfigChange(
            "control-plane",
            type,
            Optional.empty(),
            name,
            OptionalLong.empty(),
            ConfigChange.Outcome.REJECTED,
            message,
            Optional.empty()));
  }
}
