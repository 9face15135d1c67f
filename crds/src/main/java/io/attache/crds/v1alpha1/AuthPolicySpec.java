package io.attache.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code spec} of an {@link AuthPolicy}. The nested blocks keep the file format's shape exactly
 * (they are validated by ext-authz's policy parser, which reports field paths), so a policy moves
 * between a file and a resource unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class AuthPolicySpec {
  private List<TargetRef> targetRefs = new ArrayList<>();
  private Map<String, Object> match = new LinkedHashMap<>();

  @Required
  @Size(min = 1)
  private List<Map<String, Object>> identity = new ArrayList<>();

  private List<Map<String, Object>> rules = new ArrayList<>();
  private Map<String, Object> response = new LinkedHashMap<>();
  private Map<String, Object> deny = new LinkedHashMap<>();

  /**
   * HTTPRoutes and Gateways (group {@code gateway.networking.k8s.io}) whose routes the control
   * plane sends through ext-authz with this policy; empty: the policy only answers what Envoy or
   * Emissary send by other means.
   */
  public List<TargetRef> getTargetRefs() {
    return targetRefs;
  }

  public void setTargetRefs(List<TargetRef> targetRefs) {
    this.targetRefs = targetRefs == null ? new ArrayList<>() : targetRefs;
  }

  public Map<String, Object> getMatch() {
    return match;
  }

  public void setMatch(Map<String, Object> match) {
    this.match = match;
  }

  public List<Map<String, Object>> getIdentity() {
    return identity;
  }

  public void setIdentity(List<Map<String, Object>> identity) {
    this.identity = identity;
  }

  public List<Map<String, Object>> getRules() {
    return rules;
  }

  public void setRules(List<Map<String, Object>> rules) {
    this.rules = rules;
  }

  public Map<String, Object> getResponse() {
    return response;
  }

  public void setResponse(Map<String, Object> response) {
    this.response = response;
  }

  public Map<String, Object> getDeny() {
    return deny;
  }

  public void setDeny(Map<String, Object> deny) {
    this.deny = deny;
  }
}
