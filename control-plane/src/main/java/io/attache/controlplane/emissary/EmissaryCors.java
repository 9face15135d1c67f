package io.attache.controlplane.emissary;

import io.attache.controlplane.model.RouteExtensions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Mapping's {@code cors}, read as Emissary reads it (python/ambassador/ir/ircors.py and the
 * v3alpha1 {@code CORS} type in pkg/api/getambassador.io): {@code origins} become exact origin
 * matches; {@code methods}, {@code headers} and {@code exposed_headers} are passed on joined with
 * {@code ", "}; {@code max_age} as written; {@code credentials} a boolean. A list may also be one
 * string, as v2 allowed (origins then separated by commas).
 */
public final class EmissaryCors {
  private static final Set<String> FIELDS =
      Set.of("origins", "methods", "headers", "credentials", "exposed_headers", "max_age");

  private EmissaryCors() {}

  /** The CORS policy at {@code field}; errors into {@code errors}. */
  public static Optional<RouteExtensions.Cors> read(
      Object cors, String field, List<String> errors) {
    if (!(cors instanceof Map<?, ?> fields)) {
      errors.add(field + ": must be an object");
      return Optional.empty();
    }
    int before = errors.size();
    for (Object name : fields.keySet()) {
      if (!FIELDS.contains(String.valueOf(name))) {
        errors.add(field + "." + name + ": unknown field of an Emissary CORS policy");
      }
    }
    List<String> origins = strings(fields.get("origins"), field + ".origins", true, errors);
    for (String origin : origins) {
      if (origin.isBlank()) {
        errors.add(field + ".origins: an origin cannot be empty");
      }
    }
    String methods =
        String.join(", ", strings(fields.get("methods"), field + ".methods", false, errors));
    String headers =
        String.join(", ", strings(fields.get("headers"), field + ".headers", false, errors));
    String exposed =
        String.join(
            ", ",
            strings(fields.get("exposed_headers"), field + ".exposed_headers", false, errors));
    Object maxAge = fields.get("max_age");
    if (maxAge != null && !(maxAge instanceof String) && !(maxAge instanceof Integer)) {
      errors.add(field + ".max_age: must be a number of seconds");
    }
    Object credentials = fields.get("credentials");
    if (credentials != null && !(credentials instanceof Boolean)) {
      errors.add(field + ".credentials: must be true or false");
    }
    if (errors.size() > before) {
      return Optional.empty();
    }
    return Optional.of(
        new RouteExtensions.Cors(
            origins,
            methods,
            headers,
            exposed,
            Optional.ofNullable(maxAge).map(String::valueOf).filter(age -> !age.isEmpty()),
            Optional.ofNullable((Boolean) credentials)));
  }

  private static List<String> strings(
      Object value, String field, boolean commaSeparated, List<String> errors) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof String text) {
      if (!commaSeparated) {
        return text.isEmpty() ? List.of() : List.of(text);
      }
      List<String> parts = new ArrayList<>();
      for (String part : text.split(",")) {
        parts.add(part.strip());
      }
      return parts;
    }
    if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      return list.stream().map(String.class::cast).toList();
    }
    errors.add(field + ": must be a list of strings");
    return List.of();
  }
}
