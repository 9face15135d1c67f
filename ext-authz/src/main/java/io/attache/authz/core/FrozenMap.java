package io.attache.authz.core;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A read-only view of a map that its creator guarantees never changes and holds no nulls, such as a
 * map field of a built protobuf message. The records of a check copy the maps they are given to
 * stay immutable; they take a frozen map as it is, so an adapter hands a request's headers over
 * without building a new hash table for every request (that copy was a tenth of a Check's CPU).
 *
 * <p>Never wrap a map that anyone may still modify: the view would change under the decision.
 */
public final class FrozenMap<K, V> extends AbstractMap<K, V> {
  private final Map<K, V> map;

  private FrozenMap(Map<K, V> map) {
    this.map = map;
  }

  /**
   * {@code map} seen read-only; the caller guarantees it never changes and holds no null key or
   * value.
   */
  public static <K, V> Map<K, V> of(Map<K, V> map) {
    Objects.requireNonNull(map, "map");
    if (map instanceof FrozenMap<K, V>) {
      return map;
    }
    return map.isEmpty() ? Map.of() : new FrozenMap<>(map);
  }

  /** {@code map} itself when it is immutable already (frozen, or {@code Map.of}), else a copy. */
  static <K, V> Map<K, V> copyOf(Map<K, V> map) {
    return map instanceof FrozenMap<K, V> ? map : Map.copyOf(map);
  }

  @Override
  public V get(Object key) {
    return map.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return map.containsKey(key);
  }

  @Override
  public boolean containsValue(Object value) {
    return map.containsValue(value);
  }

  @Override
  public int size() {
    return map.size();
  }

  @Override
  public boolean isEmpty() {
    return map.isEmpty();
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
    return Collections.unmodifiableMap(map).entrySet();
  }

  @Override
  public void forEach(BiConsumer<? super K, ? super V> action) {
    map.forEach(action);
  }
}
