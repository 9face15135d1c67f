package io.attache.controlplane.emissary;

import io.attache.controlplane.model.RouteExtensions;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Mapping's fields Gateway API has no field for ({@link EmissaryMapping.Extensions}) as the
 * annotations of the HTTPRoute it becomes ({@link RouteExtensions}): the control plane reads them
 * back from any HTTPRoute, so the migrated route is served as the Mapping was.
 */
final class AnnotatedFields {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private AnnotatedFields() {}

  static Map<String, String> of(EmissaryMapping.Extensions filters) {
    Map<String, String> annotations = new LinkedHashMap<>();
    if (filters.bypassAuth()) {
      annotations.put(RouteExtensions.EXT_AUTHZ_ANNOTATION, "disabled");
    }
    if (!filters.authContextExtensions().isEmpty()) {
      annotations.put(
          RouteExtensions.AUTH_CONTEXT_ANNOTATION,
          JSON.writeValueAsString(filters.authContextExtensions()));
    }
    filters
        .labels()
        .ifPresent(
            labels ->
                annotations.put(
                    RouteExtensions.LABELS_ANNOTATION, JSON.writeValueAsString(labels)));
    filters
        .cors()
        .ifPresent(
            cors ->
                annotations.put(RouteExtensions.CORS_ANNOTATION, JSON.writeValueAsString(cors)));
    filters
        .regexRewrite()
        .ifPresent(
            rewrite ->
                annotations.put(
                    RouteExtensions.REGEX_REWRITE_ANNOTATION,
                    JSON.writeValueAsString(regexRewrite(rewrite))));
    filters
        .idleTimeoutMillis()
        .ifPresent(
            millis ->
                annotations.put(
                    RouteExtensions.IDLE_TIMEOUT_ANNOTATION, GatewayApiMigration.duration(millis)));
    filters
        .methodRegex()
        .ifPresent(regex -> annotations.put(RouteExtensions.METHOD_REGEX_ANNOTATION, regex));
    filters
        .hostRegex()
        .ifPresent(regex -> annotations.put(RouteExtensions.AUTHORITY_REGEX_ANNOTATION, regex));
    if (filters.precedence() != 0) {
      annotations.put(RouteExtensions.PRECEDENCE_ANNOTATION, String.valueOf(filters.precedence()));
    }
    if (filters.stringPrefix()) {
      annotations.put(RouteExtensions.PATH_PREFIX_ANNOTATION, "string");
    }
    if (filters.caseInsensitive()) {
      annotations.put(RouteExtensions.CASE_SENSITIVE_ANNOTATION, "false");
    }
    return annotations;
  }

  /** In this order, so the annotation reads the same every time. */
  private static Map<String, String> regexRewrite(RouteExtensions.RegexRewrite rewrite) {
    Map<String, String> json = new LinkedHashMap<>();
    json.put("pattern", rewrite.pattern());
    json.put("substitution", rewrite.substitution());
    return json;
  }
}
