package io.attache.authz.identity.jwt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Verified claims as plain, unmodifiable Java values (maps, lists, strings, numbers, booleans), so
 * nothing downstream depends on the JSON library. Members whose value is JSON {@code null} are left
 * out, since {@link io.attache.authz.core.Identity} holds no nulls; {@code null} array elements are
 * kept so positions stay meaningful.
 */
public final class PlainClaims {
  private PlainClaims() {}

  public static Map<String, Object> of(Map<String, Object> json) {
    Map<String, Object> out = new LinkedHashMap<>();
    json.forEach(
        (name, value) -> {
          if (value != null) {
            out.put(name, plain(value));
          }
        });
    return Collections.unmodifiableMap(out);
  }

  @SuppressWarnings("unchecked")
  private static Object plain(Object value) {
    if (value instanceof Map<?, ?> map) {
      return of((Map<String, Object>) map);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object element : list) {
        out.add(element == null ? null : plain(element));
      }
      return Collections.unmodifiableList(out);
    }
    return value;
  }
}
