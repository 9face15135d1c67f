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
    @JsonPropertyDescription("a Service port name or a Gateway listener name")
        String sectionName) {}
