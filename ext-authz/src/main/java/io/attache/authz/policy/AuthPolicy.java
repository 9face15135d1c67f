package io.attache.authz.policy;

import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.core.RequestReads;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded, compiled authorization policy.
 *
 * @param name {@code namespace/name}, or the policy's name in its file
 * @param match which requests it covers
 * @param identity the identity methods, tried in order: the first that finds its credential decides
 *     (a valid credential authenticates, an invalid one denies)
 * @param rules ordered rules; none means any authenticated caller is allowed
 * @param response what an allowed request carries upstream
 * @param deny what a denied request gets
 * @param cache remembered decisions, when the policy asks for them
 */
public record AuthPolicy(
    String name,
    RequestMatch match,
    List<IdentityVerifier> identity,
    List<Rule> rules,
    AllowResponse response,
    DenyResponse deny,
    Optional<DecisionCache> cache) {

  /** Headers set on the upstream request, headers removed from it, and dynamic metadata. */
  public record AllowResponse(
      Map<String, Template> headers,
      List<String> removeHeaders,
      Map<String, Template> dynamicMetadata) {
    public AllowResponse {
      headers = Map.copyOf(headers);
      removeHeaders = List.copyOf(removeHeaders);
      dynamicMetadata = Map.copyOf(dynamicMetadata);
    }

    public static final AllowResponse NONE = new AllowResponse(Map.of(), List.of(), Map.of());
  }

  /**
   * What denied requests get: {@code realm} for {@code WWW-Authenticate} on 401s, a body and extra
   * headers. Statuses are fixed: 401 for missing or invalid credentials, 403 otherwise.
   */
  public record DenyResponse(String realm, String body, Map<String, String> headers) {
    public DenyResponse {
      Objects.requireNonNull(realm, "realm");
      Objects.requireNonNull(body, "body");
      headers = Map.copyOf(headers);
    }

    public static final DenyResponse DEFAULT = new DenyResponse("attache", "", Map.of());
  }

  public AuthPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(match, "match");
    identity = List.copyOf(identity);
    rules = List.copyOf(rules);
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(deny, "deny");
    Objects.requireNonNull(cache, "cache");
  }

  /** A policy that remembers no decisions. */
  public AuthPolicy(
      String name,
      RequestMatch match,
      List<IdentityVerifier> identity,
      List<Rule> rules,
      AllowResponse response,
      DenyResponse deny) {
    this(name, match, identity, rules, response, deny, Optional.empty());
  }

  /** What of a request the policy's methods, rules and templates read. */
  public RequestReads reads() {
    RequestReads reads = RequestReads.NOTHING;
    for (IdentityVerifier method : identity) {
      reads = reads.plus(method.reads());
    }
    for (Rule rule : rules) {
      reads = reads.plus(rule.when().reads());
    }
    for (Template template : response.headers().values()) {
      reads = reads.plus(template.reads());
    }
    for (Template template : response.dynamicMetadata().values()) {
      reads = reads.plus(template.reads());
    }
    return reads;
  }
}
