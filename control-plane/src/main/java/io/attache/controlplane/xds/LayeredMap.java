package io.attache.controlplane.xds;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An immutable map (iterating in its base's order) made of a large base and a small layer of
 * replaced values, so that a snapshot whose resources differ from the last one's in a few values
 * shares the last one's index instead of copying it: replacing k values costs O(k) (plus the layer
 * so far), not O(size). The keys are always the base's. Once the layer grows past an eighth of the
 * base it is folded into a new base, which keeps lookups at two probes at most and the cost per
 * replacement constant on average.
 */
final class LayeredMap<K, V> extends AbstractMap<K, V> {
  private static final int MIN_LAYER = 256;

  private final Map<K, V> base;
  private final Map<K, V> layer;

  private LayeredMap(Map<K, V> base, Map<K, V> layer) {
    this.base = base;
    this.layer = layer;
  }

  /** A map of {@code entries}, which the caller hands over and no longer changes. */
  static <K, V> LayeredMap<K, V> of(Map<K, V> entries) {
    return new LayeredMap<>(entries, Map.of());
  }

  /** This map with the values of {@code replaced}, whose keys this map has, replaced. */
  LayeredMap<K, V> replacing(Map<K, V> replaced) {
    if (!base.keySet().containsAll(replaced.keySet())) {
      throw new IllegalArgumentException("only existing keys can be replaced");
    }
    if (layer.size() + replaced.size() > Math.max(MIN_LAYER, base.size() / 8)) {
      Map<K, V> folded = new LinkedHashMap<>(base);
      folded.putAll(layer);
      folded.putAll(replaced);
      return new LayeredMap<>(folded, Map.of());
    }
    Map<K, V> next = new java.util.HashMap<>(layer);
    next.putAll(replaced);
    return new LayeredMap<>(base, next);
  }

  @Override
  public V get(Object key) {
    V replaced = layer.get(key);
    return replaced != null ? replaced : base.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return base.containsKey(key);
  }

  @Override
  public int size() {
    return base.size();
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<K, V>> iterator() {
        Iterator<Entry<K, V>> entries = base.entrySet().iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return entries.hasNext();
          }

          @Override
          public Entry<K, V> next() {
            Entry<K, V> entry = entries.next();
            V replaced = layer.get(entry.getKey());
            return replaced == null ? entry : new SimpleImmutableEntry<>(entry.getKey(), replaced);
          }
        };
      }

      @Override
      public int size() {
        return base.size();
      }
    };
  }
}
