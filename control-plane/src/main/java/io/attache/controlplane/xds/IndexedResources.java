package io.attache.controlplane.xds;

import com.google.protobuf.Message;
import io.attache.controlplane.translate.ContentVersion;
import io.envoyproxy.controlplane.cache.ResourceVersionResolver;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import java.lang.ref.WeakReference;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One type's resources as the snapshot cache reads them, built so that the next snapshot can be
 * derived from this one in the time its changed resources take: the index by name is a {@link
 * LayeredMap} and the type's version a {@link ContentVersion} sum, both updated for the changed
 * resources alone. java-control-plane's own {@code SnapshotResources.create} indexes and hashes
 * every resource again, which at 50,000 load assignments cost more than the change.
 */
final class IndexedResources<T extends Message> extends SnapshotResources<T> {
  private final LayeredMap<String, VersionedResource<T>> versioned;
  private final ContentVersion sum;
  private final String version;
  // Weak: a chain of predecessors would keep every past snapshot alive.
  private final WeakReference<IndexedResources<T>> derivedFrom;
  private final Set<String> replacedNames;

  private IndexedResources(
      LayeredMap<String, VersionedResource<T>> versioned,
      ContentVersion sum,
      IndexedResources<T> derivedFrom,
      Set<String> replacedNames) {
    this.versioned = versioned;
    this.sum = sum;
    this.version = sum.value();
    this.derivedFrom = new WeakReference<>(derivedFrom);
    this.replacedNames = replacedNames;
  }

  /** Resources by name; {@code sum} holds every one's version. */
  static <T extends Message> IndexedResources<T> of(
      Map<String, VersionedResource<T>> byName, ContentVersion sum) {
    return new IndexedResources<>(LayeredMap.of(byName), sum, null, Set.of());
  }

  /** These resources with {@code replaced} (by name, each a name these have) in place. */
  IndexedResources<T> replacing(Map<String, VersionedResource<T>> replaced) {
    ContentVersion next = sum.copy();
    for (Map.Entry<String, VersionedResource<T>> entry : replaced.entrySet()) {
      next.remove(versioned.get(entry.getKey()).version()).add(entry.getValue().version());
    }
    return new IndexedResources<>(
        versioned.replacing(replaced), next, this, Set.copyOf(replaced.keySet()));
  }

  /**
   * The names whose resources may differ from {@code before}'s, when these resources were derived
   * from {@code before} itself by {@link #replacing}; empty when they were not (anything may
   * differ).
   */
  Optional<Set<String>> replacedSince(SnapshotResources<?> before) {
    return derivedFrom.get() == before && before != null
        ? Optional.of(replacedNames)
        : Optional.empty();
  }

  @Override
  public Map<String, VersionedResource<T>> versionedResources() {
    return versioned;
  }

  @Override
  public Map<String, T> resources() {
    return new ResourceView<>(versioned);
  }

  @Override
  public ResourceVersionResolver resourceVersionResolver() {
    return names -> version;
  }

  @Override
  public String version() {
    return version;
  }

  /** The resources of a versioned index, without copying it. */
  private static final class ResourceView<T extends Message> extends AbstractMap<String, T> {
    private final Map<String, VersionedResource<T>> versioned;

    ResourceView(Map<String, VersionedResource<T>> versioned) {
      this.versioned = versioned;
    }

    @Override
    public T get(Object key) {
      VersionedResource<T> resource = versioned.get(key);
      return resource == null ? null : resource.resource();
    }

    @Override
    public boolean containsKey(Object key) {
      return versioned.containsKey(key);
    }

    @Override
    public int size() {
      return versioned.size();
    }

    @Override
    public Set<Entry<String, T>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, T>> iterator() {
          Iterator<Entry<String, VersionedResource<T>>> entries = versioned.entrySet().iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return entries.hasNext();
            }

            @Override
            public Entry<String, T> next() {
              Entry<String, VersionedResource<T>> entry = entries.next();
              return new SimpleImmutableEntry<>(entry.getKey(), entry.getValue().resource());
            }
          };
        }

        @Override
        public int size() {
          return versioned.size();
        }
      };
    }
  }

  /** A name index being filled, for {@link #of}. */
  static <T extends Message> Map<String, VersionedResource<T>> newIndex(int size) {
    return new LinkedHashMap<>(Math.max(16, (int) (size / 0.75f) + 1));
  }
}
