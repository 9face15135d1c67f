package io.attache.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * What a policy attaches to (Gateway API policy attachment, GEP-713): a local object by group, kind
 * and name, optionally one section of it (a Service port name, a Gateway listener name).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetRef(
    @JsonPropertyDescription(
            "API group: \"\" for a Service, gateway.networking.k8s.io for an HTTPRoute or Gateway")
        String group,
    @Required @Pattern("^[A-Z][A-Za-z]*$") String kind,
    @Required @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$") String name,
    @JsonPropertyDescription("a Service port name or a Gateway listener name") String sectionName) {
  /**
   * An Emissary Mapping ({@code getambassador.io}) is served as the HTTPRoute named this plus its
   * name (a canary group of Mappings as its first Mapping's, by name): the name the control plane
   * gives the route and ext-authz finds in {@code context_extensions}.
   */
  public static final String MAPPING_ROUTE_PREFIX = "mapping-";

  /**
   * Whether {@code ref} names an Emissary Mapping (static, so the CRD generator sees no property).
   */
  public static boolean namesMapping(TargetRef ref) {
    return "getambassador.io".equals(ref.group()) && "Mapping".equals(ref.kind());
  }
}
