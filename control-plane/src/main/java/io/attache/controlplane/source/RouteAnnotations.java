package io.attache.controlplane.source;

import io.attache.controlplane.emissary.EmissaryCors;
import io.attache.controlplane.emissary.EmissaryLabels;
import io.attache.controlplane.model.RouteExtensions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a route's {@code attache.io/} annotations into its {@link RouteExtensions}: what Emissary's
 * Mappings say of the ext_authz and ratelimit filters, which Gateway API has no field for. An
 * annotation that does not read is an error naming it, so the route keeps its last good version.
 */
final class RouteAnnotations {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern BACKEND =
      Pattern.compile(
          "[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9]*[a-z0-9])?:([1-9][0-9]{0,4})");

  private RouteAnnotations() {}

  /** The route's extensions; empty, with the errors reported, when an annotation is invalid. */
  static Optional<RouteExtensions> read(HasMetadata route, DocumentErrors errors) {
    Map<String, String> annotations = route.getMetadata().getAnnotations();
    if (annotations == null || annotations.isEmpty()) {
      return Optional.of(RouteExtensions.NONE);
    }
    int before = errors.size();
    String ext =
        choice(annotations, RouteExtensions.EXT_AUTHZ_ANNOTATION, List.of("disabled"), errors);
    boolean disabled = ext != null;
    Map<String, String> context = context(annotations, errors);
    if (disabled && !context.isEmpty()) {
      errors.add(
          field(RouteExtensions.AUTH_CONTEXT_ANNOTATION), "has no use with ext-authz disabled");
    }
    // Every annotation is read before deciding, so that each bad one is named and refuses the
    // route.
    RouteExtensions extensions =
        new RouteExtensions(
            disabled,
            context,
            emissary(annotations, RouteExtensions.LABELS_ANNOTATION, EmissaryLabels::read, errors),
            emissary(annotations, RouteExtensions.CORS_ANNOTATION, EmissaryCors::read, errors),
            regexRewrite(annotations, errors),
            idleTimeout(annotations, errors),
            "false"
                .equals(
                    choice(
                        annotations,
                        RouteExtensions.CASE_SENSITIVE_ANNOTATION,
                        List.of("true", "false"),
                        errors)),
            "string"
                .equals(
                    choice(
                        annotations,
                        RouteExtensions.PATH_PREFIX_ANNOTATION,
                        List.of("string (Envoy's, Emissary's)", "segment (Gateway API's)"),
                        errors)),
            precedence(annotations, errors),
            regex(annotations, RouteExtensions.METHOD_REGEX_ANNOTATION, errors),
            regex(annotations, RouteExtensions.AUTHORITY_REGEX_ANNOTATION, errors),
            tlsBackends(annotations, errors));
    return errors.size() > before ? Optional.empty() : Optional.of(extensions);
  }

  /**
   * An annotation that takes one of the words {@code allowed} (each its first word, the rest a
   * gloss for the error): its value, or null when absent or invalid, the latter reported.
   */
  private static String choice(
      Map<String, String> annotations, String name, List<String> allowed, DocumentErrors errors) {
    String value = annotations.get(name);
    if (value == null || allowed.stream().anyMatch(a -> a.split(" ", 2)[0].equals(value))) {
      return value;
    }
    errors.add(field(name), "must be " + String.join(" or ", allowed) + ", was " + value);
    return null;
  }

  private static Map<String, String> context(
      Map<String, String> annotations, DocumentErrors errors) {
    String name = RouteExtensions.AUTH_CONTEXT_ANNOTATION;
    Optional<Object> value = json(annotations, name, errors);
    if (value.isEmpty()) {
      return Map.of();
    }
    Map<String, String> context = new LinkedHashMap<>();
    if (!(value.get() instanceof Map<?, ?> map)) {
      errors.add(field(name), "must be a JSON object of strings");
      return Map.of();
    }
    map.forEach(
        (key, text) -> {
          if (!(text instanceof String string)) {
            errors.add(field(name), key + ": must be a string");
          } else if (String.valueOf(key).startsWith(RouteExtensions.RESERVED_CONTEXT_PREFIX)) {
            errors.add(
                field(name),
                key + ": keys starting " + RouteExtensions.RESERVED_CONTEXT_PREFIX + " are ours");
          } else {
            context.put(String.valueOf(key), string);
          }
        });
    return context;
  }

  /** Reads Emissary's format: the problems at {@code field}, the annotation's path left out. */
  private interface EmissaryReader<T> {
    Optional<T> read(Object value, String field, List<String> problems);
  }

  private static <T> Optional<T> emissary(
      Map<String, String> annotations,
      String name,
      EmissaryReader<T> reader,
      DocumentErrors errors) {
    Optional<Object> value = json(annotations, name, errors);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    List<String> problems = new ArrayList<>();
    Optional<T> read = reader.read(value.get(), "", problems);
    problems.forEach(
        problem ->
            errors.add(field(name), problem.replaceFirst("^[.]", "").replaceFirst("^: ", "")));
    return read;
  }

  private static Optional<RouteExtensions.RegexRewrite> regexRewrite(
      Map<String, String> annotations, DocumentErrors errors) {
    String name = RouteExtensions.REGEX_REWRITE_ANNOTATION;
    Optional<Object> value = json(annotations, name, errors);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (!(value.get() instanceof Map<?, ?> map)
        || !(map.get("pattern") instanceof String pattern)
        || !(map.get("substitution") instanceof String substitution)
        || map.size() != 2) {
      errors.add(field(name), "must be {\"pattern\": string, \"substitution\": string}");
      return Optional.empty();
    }
    return HttpRouteConverter.regex(pattern, field(name), errors)
        ? Optional.of(new RouteExtensions.RegexRewrite(pattern, substitution))
        : Optional.empty();
  }

  private static Optional<String> regex(
      Map<String, String> annotations, String name, DocumentErrors errors) {
    String text = annotations.get(name);
    return text != null && HttpRouteConverter.regex(text, field(name), errors)
        ? Optional.of(text)
        : Optional.empty();
  }

  private static Set<String> tlsBackends(Map<String, String> annotations, DocumentErrors errors) {
    String text = annotations.get(RouteExtensions.BACKEND_TLS_ANNOTATION);
    if (text == null) {
      return Set.of();
    }
    Set<String> backends = new LinkedHashSet<>();
    for (String entry : text.split(",", -1)) {
      String backend = entry.strip();
      if (!BACKEND.matcher(backend).matches()) {
        errors.add(
            field(RouteExtensions.BACKEND_TLS_ANNOTATION),
            "must be backends as namespace/name:port separated by commas, was '" + backend + "'");
      } else {
        backends.add(backend);
      }
    }
    return backends;
  }

  private static int precedence(Map<String, String> annotations, DocumentErrors errors) {
    String text = annotations.get(RouteExtensions.PRECEDENCE_ANNOTATION);
    if (text == null) {
      return 0;
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      errors.add(
          field(RouteExtensions.PRECEDENCE_ANNOTATION), "must be a whole number, was " + text);
      return 0;
    }
  }

  private static Optional<java.time.Duration> idleTimeout(
      Map<String, String> annotations, DocumentErrors errors) {
    String text = annotations.get(RouteExtensions.IDLE_TIMEOUT_ANNOTATION);
    if (text == null) {
      return Optional.empty();
    }
    Optional<java.time.Duration> idle = GatewayDurations.parse(text);
    if (idle.isEmpty()) {
      errors.add(
          field(RouteExtensions.IDLE_TIMEOUT_ANNOTATION),
          "must be a duration such as 5s, 250ms or 1h30m, was '" + text + "'");
    }
    return idle;
  }

  private static Optional<Object> json(
      Map<String, String> annotations, String name, DocumentErrors errors) {
    String text = annotations.get(name);
    if (text == null) {
      return Optional.empty();
    }
    try {
      Object value = JSON.readValue(text, Object.class);
      if (value == null) {
        errors.add(field(name), "must not be null");
      }
      return Optional.ofNullable(value);
    } catch (JacksonException e) {
      errors.add(field(name), "not JSON: " + e.getOriginalMessage());
      return Optional.empty();
    }
  }

  private static String field(String annotation) {
    return "metadata.annotations[" + annotation + "]";
  }
}
