package io.attache.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a policy attaches to (Gateway API policy attachment, GEP-713): a local object by group, kind
 * and name, optionally one section of it (a Service port name, a Gateway listener name).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetRef(String group, String kind, String name, String sectionName) {}
