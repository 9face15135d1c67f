package io.attache.controlplane.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the list items of an object that are empty ({@code rules: [~]}, {@code parentRefs:
 * [null]}). No schema of a kind we read allows one, and the API server refuses them, but a file, or
 * an API server that does not validate, can hold them; the converters may then assume every item is
 * there. Found by fuzzing (docs/fuzzing.md), one converter after another.
 */
final class EmptyItems {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private EmptyItems() {}

  /** The paths ({@code spec.rules[0]}) of every empty list item in {@code object}, in order. */
  static List<String> in(HasMetadata object) {
    List<String> found = new ArrayList<>();
    walk(SERIALIZATION.convertValue(object, Map.class), "", found);
    return found;
  }

  private static void walk(Object node, String path, List<String> found) {
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> walk(value, path.isEmpty() ? "" + key : path + "." + key, found));
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        String item = path + "[" + i + "]";
        if (list.get(i) == null) {
          found.add(item);
        } else {
          walk(list.get(i), item, found);
        }
      }
    }
  }
}
