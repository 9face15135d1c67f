package io.attache.controlplane.translate;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Immutable messages that hundreds of thousands of resources carry with few distinct values (a
 * backend's weight, an endpoint group's zone, a method match), made once each. A translation's
 * objects all survive into the snapshot and the garbage collector copies each one; these were half
 * a million of them at 50k routes.
 */
final class SmallValues {
  private static final UInt32Value[] UINT32 = new UInt32Value[1025];
  private static final int MAX_KEPT = 4096;
  private static final ConcurrentHashMap<String, Locality> ZONES = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, HeaderMatcher> METHODS = new ConcurrentHashMap<>();

  static {
    for (int i = 0; i < UINT32.length; i++) {
      UINT32[i] = UInt32Value.of(i);
    }
  }

  private SmallValues() {}

  static UInt32Value uint32(int value) {
    return value >= 0 && value < UINT32.length ? UINT32[value] : UInt32Value.of(value);
  }

  /** The locality of {@code zone}. */
  static Locality zone(String zone) {
    return kept(ZONES, zone, z -> Locality.newBuilder().setZone(z).build());
  }

  /** The header match of an HTTP method: {@code :method} equal to it. */
  static HeaderMatcher methodMatcher(String method) {
    return kept(
        METHODS,
        method,
        m ->
            HeaderMatcher.newBuilder()
                .setName(":method")
                .setStringMatch(StringMatcher.newBuilder().setExact(m))
                .build());
  }

  /** Bounded, so that endless distinct values (zone names) cost no memory: past it, made anew. */
  private static <T> T kept(
      ConcurrentHashMap<String, T> values, String key, Function<String, T> make) {
    T value = values.get(key);
    if (value != null) {
      return value;
    }
    value = make.apply(key);
    if (values.size() < MAX_KEPT) {
      values.putIfAbsent(key, value);
    }
    return value;
  }
}
