package io.attache.testsupport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Variants of valid YAML documents with one node replaced by something a schema does not expect:
 * {@code ~} (what {@code listeners: [~]} or {@code rules: [~]} reads as), an empty map, an empty
 * list or a string. Parsers that read resources from many hands must name the field in an error for
 * every one of them, never throw; fuzzing found such holes one at a time, this walks them all.
 */
public final class YamlHoles {
  /** One variant: where the hole is (a path such as {@code [2].spec.rules[0]}), and the YAML. */
  public record Variant(String where, String yaml) {
    @Override
    public String toString() {
      return where;
    }
  }

  private static final List<Object> FILLERS = Arrays.asList(null, Map.of(), List.of(), "x");

  private YamlHoles() {}

  /** Every variant of the documents in {@code yaml}, one node replaced at a time. */
  public static List<Variant> of(String yaml) {
    List<Object> documents = new ArrayList<>();
    new Load(LoadSettings.builder().build()).loadAllFromString(yaml).forEach(documents::add);
    List<Variant> variants = new ArrayList<>();
    for (int d = 0; d < documents.size(); d++) {
      int document = d;
      walk(
          documents.get(d),
          "[" + d + "]",
          (where, replace) -> {
            for (Object value : FILLERS) {
              List<Object> copy = new ArrayList<>(documents);
              copy.set(document, replace.apply(value));
              variants.add(new Variant(where + " = " + describe(value), dump(copy)));
            }
          });
    }
    return variants;
  }

  /**
   * Reads every variant of {@code yaml} with {@code read}, which returns a complaint about what it
   * read, or none; the complaints and whatever {@code read} throws, each named by its variant.
   */
  public static List<String> complaints(String yaml, Function<Variant, Optional<String>> read) {
    List<Variant> variants = of(yaml);
    if (variants.isEmpty()) {
      throw new IllegalArgumentException("no nodes to replace in " + yaml);
    }
    List<String> complaints = new ArrayList<>();
    for (Variant variant : variants) {
      try {
        read.apply(variant).ifPresent(complaint -> complaints.add(variant + ": " + complaint));
      } catch (RuntimeException e) {
        complaints.add(variant + ": " + e);
      }
    }
    return complaints;
  }

  private interface Visitor {
    /** {@code replace} gives the whole document with this node replaced by its argument. */
    void node(String where, Function<Object, Object> replace);
  }

  private static void walk(Object root, String where, Visitor visitor) {
    walk(root, where, Function.identity(), visitor);
  }

  private static void walk(
      Object node, String where, Function<Object, Object> rebuild, Visitor visitor) {
    if (node instanceof Map<?, ?> map) {
      for (Object key : map.keySet()) {
        Function<Object, Object> replace =
            value -> {
              Map<Object, Object> copy = new LinkedHashMap<>(map);
              copy.put(key, value);
              return rebuild.apply(copy);
            };
        String path = where + "." + key;
        visitor.node(path, replace);
        walk(map.get(key), path, replace, visitor);
      }
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        int index = i;
        Function<Object, Object> replace =
            value -> {
              List<Object> copy = new ArrayList<>(list);
              copy.set(index, value);
              return rebuild.apply(copy);
            };
        String path = where + "[" + i + "]";
        visitor.node(path, replace);
        walk(list.get(i), path, replace, visitor);
      }
    }
  }

  private static String describe(Object value) {
    if (value == null) {
      return "~";
    }
    return value instanceof String s ? "'" + s + "'" : value.toString();
  }

  private static String dump(List<Object> documents) {
    return new Dump(DumpSettings.builder().build()).dumpAllToString(documents.iterator());
  }
}
