package io.attache.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/** {@code spec} of a {@link RateLimitPolicy}: a rate-limit domain and its descriptor tree. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class RateLimitPolicySpec {
  private String domain;
  private List<RateLimitDescriptor> descriptors = new ArrayList<>();

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
