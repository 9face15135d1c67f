package io.attache.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code spec} of a {@link RateLimitPolicy}: a rate-limit domain and its descriptor tree, and
 * optionally the routes the control plane should limit with it ({@code targetRefs}), where each
 * descriptor key's value comes from on those routes ({@code descriptorSources}), and a token bucket
 * Envoy keeps for each of them ({@code local}).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class RateLimitPolicySpec {
  @Required
  @Size(min = 1)
  private String domain;

  private List<RateLimitDescriptor> descriptors = new ArrayList<>();
  private List<TargetRef> targetRefs = new ArrayList<>();
  private Map<String, DescriptorSource> descriptorSources = new LinkedHashMap<>();

  /** A token bucket Envoy keeps per targeted route, in front of the global limits. */
  private LocalRateLimit local;

  /**
   * GEP-713's merge strategy between a Gateway's policy and a route's: {@code AtomicDefaults} (the
   * default: a route's own policy replaces its Gateway's) or {@code AtomicOverrides} (on a
   * Gateway's policy: it replaces the policies of the routes attached to the Gateway).
   */
  @io.fabric8.generator.annotation.Pattern("^(AtomicDefaults|AtomicOverrides)$")
  private String mergeStrategy;

  /**
   * Where Envoy takes a descriptor entry's value: a request header, or dynamic metadata (such as
   * what ext-authz returned: filter {@code envoy.filters.http.ext_authz}, path {@code
   * [principal]}). Keys {@code remote_address} and {@code generic_key} need no source.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.requestHeader) != has(self.metadata)",
      message = "exactly one of requestHeader or metadata")
  public record DescriptorSource(String requestHeader, MetadataSource metadata) {}

  /** A value in dynamic metadata: the filter's namespace and the path of keys inside it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record MetadataSource(
      @Required String filter, @Required @Size(min = 1) List<String> path) {}

  public List<TargetRef> getTargetRefs() {
    return targetRefs;
  }

  public void setTargetRefs(List<TargetRef> targetRefs) {
    this.targetRefs = targetRefs == null ? new ArrayList<>() : targetRefs;
  }

  public Map<String, DescriptorSource> getDescriptorSources() {
    return descriptorSources;
  }

  public void setDescriptorSources(Map<String, DescriptorSource> descriptorSources) {
    this.descriptorSources = descriptorSources == null ? new LinkedHashMap<>() : descriptorSources;
  }

  public String getMergeStrategy() {
    return mergeStrategy;
  }

  public void setMergeStrategy(String mergeStrategy) {
    this.mergeStrategy = mergeStrategy;
  }

  public LocalRateLimit getLocal() {
    return local;
  }

  public void setLocal(LocalRateLimit local) {
    this.local = local;
  }

  public String getDomain() {
    return domain;
  }

  public void setDomain(String domain) {
    this.domain = domain;
  }

  public List<RateLimitDescriptor> getDescriptors() {
    return descriptors;
  }

  public void setDescriptors(List<RateLimitDescriptor> descriptors) {
    this.descriptors = descriptors == null ? new ArrayList<>() : descriptors;
  }
}
