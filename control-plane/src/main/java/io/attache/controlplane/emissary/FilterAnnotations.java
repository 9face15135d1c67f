package io.attache.controlplane.emissary;

import io.attache.controlplane.model.RouteExtensions;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Mapping's {@code bypass_auth}, {@code auth_context_extensions} and {@code labels} as the
 * annotations of the HTTPRoute it becomes ({@link RouteExtensions}): Gateway API has no field for
 * them, and the control plane reads them back from any HTTPRoute, so the migrated route is served
 * as the Mapping was.
 */
final class FilterAnnotations {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private FilterAnnotations() {}

  static Map<String, String> of(EmissaryMapping.Filters filters) {
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
    return annotations;
  }
}
