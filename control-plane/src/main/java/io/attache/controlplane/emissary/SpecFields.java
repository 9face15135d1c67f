package io.attache.controlplane.emissary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Typed reads from one Emissary object's {@code spec} as YAML gave it, each mistake recorded as
 * {@code spec.<field>: <reason>} for the object's own error list, never thrown: every problem of an
 * object is reported at once.
 */
final class SpecFields {
  private final Map<?, ?> spec;
  private final List<String> errors;

  SpecFields(Map<?, ?> spec, List<String> errors) {
    this.spec = spec;
    this.errors = errors;
  }

  boolean has(String field) {
    return spec.containsKey(field);
  }

  /** The field's value as YAML gave it, for a reader of its own. */
  Object raw(String field) {
    return spec.get(field);
  }

  void error(String field, String reason) {
    errors.add("spec." + field + ": " + reason);
  }

  /** Every key of the spec not in {@code known}, each an error naming it. */
  void refuseUnknown(Set<String> known, Set<String> unsupported, String kind) {
    for (Object key : spec.keySet()) {
      String name = String.valueOf(key);
      if (unsupported.contains(name)) {
        error(name, "not supported by Attaché (an Emissary " + kind + " field it does not serve)");
      } else if (!known.contains(name)) {
        error(name, "unknown field of an Emissary " + kind);
      }
    }
  }

  Optional<String> string(String field) {
    Object value = spec.get(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text)) {
      error(field, "must be a string");
      return Optional.empty();
    }
    return Optional.of(text);
  }

  boolean bool(String field) {
    Object value = spec.get(field);
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean flag)) {
      error(field, "must be true or false");
      return false;
    }
    return flag;
  }

  OptionalInt integer(String field, int min, int max) {
    Object value = spec.get(field);
    if (value == null) {
      return OptionalInt.empty();
    }
    if (!(value instanceof Integer number) || number < min || number > max) {
      error(field, "must be a whole number from " + min + " to " + max);
      return OptionalInt.empty();
    }
    return OptionalInt.of(number);
  }

  /** A map of names to strings; a value of {@code true} (Emissary's "present") reads as null. */
  Map<String, String> stringMap(String field, boolean presenceAllowed) {
    Object value = spec.get(field);
    Map<String, String> read = new LinkedHashMap<>();
    if (value == null) {
      return read;
    }
    if (!(value instanceof Map<?, ?> map)) {
      error(field, "must be a map of names to strings");
      return read;
    }
    map.forEach(
        (name, entry) -> {
          if (entry instanceof String text) {
            read.put(String.valueOf(name), text);
          } else if (presenceAllowed && Boolean.TRUE.equals(entry)) {
            read.put(String.valueOf(name), null);
          } else {
            error(
                field + "." + name,
                presenceAllowed ? "must be a string or true" : "must be a string");
          }
        });
    return read;
  }

  List<String> stringList(String field) {
    Object value = spec.get(field);
    List<String> read = new ArrayList<>();
    if (value == null) {
      return read;
    }
    if (!(value instanceof List<?> list)) {
      error(field, "must be a list of strings");
      return read;
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) instanceof String text) {
        read.add(text);
      } else {
        error(field + "[" + i + "]", "must be a string");
      }
    }
    return read;
  }

  Optional<Map<?, ?>> object(String field) {
    Object value = spec.get(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Map<?, ?> map)) {
      error(field, "must be an object");
      return Optional.empty();
    }
    return Optional.of(map);
  }

  /**
   * A label selector's {@code matchLabels} at {@code field}; Emissary reads nothing else of one, so
   * {@code matchExpressions} is refused rather than ignored. An empty or absent selector is none
   * (Emissary tests its truth); {@code matchLabels: {}} selects everything.
   */
  Optional<Map<String, String>> selector(String field, Object value, String selects) {
    if (value == null || value instanceof Map<?, ?> empty && empty.isEmpty()) {
      return Optional.empty();
    }
    if (!(value instanceof Map<?, ?> selector)) {
      error(field, "must be a label selector");
      return Optional.empty();
    }
    for (Object key : selector.keySet()) {
      if (!"matchLabels".equals(key)) {
        error(field + "." + key, "Emissary selects " + selects + " by matchLabels only");
      }
    }
    Object match = selector.get("matchLabels");
    Map<String, String> labels = new java.util.LinkedHashMap<>();
    if (match != null && !(match instanceof Map<?, ?>)) {
      error(field + ".matchLabels", "must map label names to values");
    } else if (match instanceof Map<?, ?> map) {
      map.forEach(
          (label, text) -> {
            if (text instanceof String string) {
              labels.put(String.valueOf(label), string);
            } else {
              error(field + ".matchLabels." + label, "must be a string");
            }
          });
    }
    return Optional.of(labels);
  }

  /** Whether {@code labels} hold every label of {@code selector} (irutils.py selector_matches). */
  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return selector.entrySet().stream()
        .allMatch(label -> label.getValue().equals(labels.get(label.getKey())));
  }
}
