package io.attache.controlplane.source;

import io.attache.controlplane.model.TlsOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Reads an HTTPS listener's {@code tls.options} into {@link TlsOptions}. Every key is Attaché's
 * ({@code attache.io/...}); another is refused rather than ignored, since the listener would
 * otherwise terminate TLS other than asked.
 */
final class ListenerTlsOptions {
  private static final Set<String> KEYS =
      Set.of(
          TlsOptions.MIN_VERSION,
          TlsOptions.MAX_VERSION,
          TlsOptions.CIPHER_SUITES,
          TlsOptions.ECDH_CURVES,
          TlsOptions.ALPN);

  private ListenerTlsOptions() {}

  /**
   * The options at {@code path} ({@code spec.listeners[i].tls.options}); each problem to {@code
   * refuse} as (field, reason).
   */
  static TlsOptions read(
      Map<String, String> options, String path, BiConsumer<String, String> refuse) {
    if (options == null || options.isEmpty()) {
      return TlsOptions.DEFAULTS;
    }
    for (String key : options.keySet()) {
      if (!KEYS.contains(key)) {
        refuse.accept(
            path + "[" + key + "]",
            "not an option Attaché knows ("
                + String.join(", ", KEYS.stream().sorted().toList())
                + ")");
      }
    }
    Optional<String> min = version(options, TlsOptions.MIN_VERSION, path, refuse);
    Optional<String> max = version(options, TlsOptions.MAX_VERSION, path, refuse);
    if (min.isPresent()
        && max.isPresent()
        && TlsOptions.VERSIONS.indexOf(min.get()) > TlsOptions.VERSIONS.indexOf(max.get())) {
      refuse.accept(path + "[" + TlsOptions.MAX_VERSION + "]", "must not be below the minimum");
    }
    return new TlsOptions(
        min,
        max,
        list(options, TlsOptions.CIPHER_SUITES, path, refuse),
        list(options, TlsOptions.ECDH_CURVES, path, refuse),
        list(options, TlsOptions.ALPN, path, refuse));
  }

  private static Optional<String> version(
      Map<String, String> options, String key, String path, BiConsumer<String, String> refuse) {
    String value = options.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!TlsOptions.VERSIONS.contains(value)) {
      refuse.accept(path + "[" + key + "]", "must be 1.0, 1.1, 1.2 or 1.3, was '" + value + "'");
      return Optional.empty();
    }
    return Optional.of(value);
  }

  /** A comma-separated list; an empty item is refused. */
  private static List<String> list(
      Map<String, String> options, String key, String path, BiConsumer<String, String> refuse) {
    String value = options.get(key);
    if (value == null) {
      return List.of();
    }
    List<String> items = new ArrayList<>();
    for (String item : Arrays.asList(value.split(",", -1))) {
      String trimmed = item.strip();
      if (trimmed.isEmpty()) {
        refuse.accept(path + "[" + key + "]", "a comma-separated list without empty items");
        return List.of();
      }
      items.add(trimmed);
    }
    return items;
  }
}
