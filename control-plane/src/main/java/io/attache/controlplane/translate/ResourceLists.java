package io.attache.controlplane.translate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Edits of a translation's resource lists, each sorted by name (see {@link
 * Translator#translate(io.attache.controlplane.model.ClusterState)}), that keep every resource not
 * replaced as the very same object: whatever was derived from it (its version) still holds.
 */
final class ResourceLists {
  private ResourceLists() {}

  /**
   * {@code sorted} with each of {@code replacements} in place of the resource of its name; an equal
   * replacement keeps the old object. Null when a replacement's name is not in the list.
   */
  static <T> List<T> replaced(
      List<T> sorted, Map<String, T> replacements, Function<T, String> name) {
    List<T> result = new ArrayList<>(sorted);
    Comparator<T> byName = Comparator.comparing(name);
    for (T replacement : replacements.values()) {
      int at = Collections.binarySearch(result, replacement, byName);
      if (at < 0) {
        return null;
      }
      if (!replacement.equals(result.get(at))) {
        result.set(at, replacement);
      }
    }
    return result;
  }

  /**
   * {@code sorted} without the resources named in {@code removed} and with {@code upserts} in place
   * of (or beside) those of their names, sorted again; an equal upsert keeps the old object.
   */
  static <T> List<T> merged(
      List<T> sorted, Map<String, T> upserts, Set<String> removed, Function<T, String> name) {
    if (removed.isEmpty()) {
      List<T> replaced = replaced(sorted, upserts, name);
      if (replaced != null) {
        return replaced;
      }
    }
    Map<String, T> left = new HashMap<>(upserts);
    List<T> result = new ArrayList<>(sorted.size() + upserts.size());
    for (T resource : sorted) {
      String key = name.apply(resource);
      T upsert = left.remove(key);
      if (upsert != null) {
        result.add(upsert.equals(resource) ? resource : upsert);
      } else if (!removed.contains(key)) {
        result.add(resource);
      }
    }
    if (!left.isEmpty()) {
      result.addAll(left.values());
      result.sort(Comparator.comparing(name));
    }
    return result;
  }

  /** Whether {@code sorted} has a resource of that name. */
  static <T> boolean contains(List<T> sorted, String wanted, Function<T, String> name) {
    return find(sorted, wanted, name).isPresent();
  }

  /** The resource of that name in {@code sorted}, if it has one. */
  static <T> Optional<T> find(List<T> sorted, String wanted, Function<T, String> name) {
    int low = 0;
    int high = sorted.size() - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int order = name.apply(sorted.get(mid)).compareTo(wanted);
      if (order == 0) {
        return Optional.of(sorted.get(mid));
      }
      if (order < 0) {
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return Optional.empty();
  }
}
