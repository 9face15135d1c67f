package io.attache.authz.core;

import io.attache.authz.policy.AuthPolicy;
import io.attache.authz.policy.Rule;
import io.attache.authz.policy.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides a check: the first policy that matches the request, its identity methods in order, its
 * rules in order, then the response. Pure and synchronous: key material and policies are already in
 * memory, so a decision takes microseconds (a JWT signature check is the costliest step).
 */
public final class Authorizer {
  private final Supplier<List<AuthPolicy>> policies;
  private final boolean allowWithoutPolicy;

  /**
   * @param policies the policies in force, in the order they are tried
   * @param allowWithoutPolicy what to answer when no policy covers a request (default: deny)
   */
  public Authorizer(Supplier<List<AuthPolicy>> policies, boolean allowWithoutPolicy) {
    this.policies = policies;
    this.allowWithoutPolicy = allowWithoutPolicy;
  }

  public Decision check(CheckInput input) {
    AuthPolicy policy = null;
    for (AuthPolicy candidate : policies.get()) {
      if (candidate.match().matches(input)) {
        policy = candidate;
        break;
      }
    }
    if (policy == null) {
      return allowWithoutPolicy
          ? allow(null, null, Identity.anonymous(), input, ReasonCode.NO_POLICY)
          : deny(
              null,
              null,
              Optional.empty(),
              403,
              ReasonCode.NO_POLICY,
              AuthPolicy.DenyResponse.DEFAULT,
              false);
    }
    Identity identity = null;
    for (var verifier : policy.identity()) {
      IdentityResult result = verifier.verify(input);
      if (result instanceof IdentityResult.Authenticated authenticated) {
        identity = authenticated.identity();
        break;
      }
      if (result instanceof IdentityResult.Rejected rejected) {
        int status = rejected.reason() == ReasonCode.CLIENT_CERT_NOT_ALLOWED ? 403 : 401;
        return deny(policy, null, Optional.empty(), status, rejected.reason(), policy.deny(), true);
      }
    }
    if (identity == null) {
      return deny(
          policy,
          null,
          Optional.empty(),
          401,
          ReasonCode.MISSING_CREDENTIALS,
          policy.deny(),
          false);
    }
    if (policy.rules().isEmpty()) {
      return allow(policy, null, identity, input, okReason(identity));
    }
    for (Rule rule : policy.rules()) {
      Rule.Outcome outcome = rule.when().test(input, identity);
      // Fail closed both ways: an allow rule that errors does not allow (the next rule is tried);
      // a deny rule that errors denies.
      if (outcome == Rule.Outcome.NO_MATCH
          || (outcome == Rule.Outcome.ERROR && rule.action() == Rule.Action.ALLOW)) {
        continue;
      }
      if (outcome == Rule.Outcome.MATCH && rule.action() == Rule.Action.ALLOW) {
        return allow(policy, rule, identity, input, okReason(identity));
      }
      return deny(
          policy, rule, Optional.of(identity), 403, ReasonCode.RULE_DENIED, policy.deny(), false);
    }
    return deny(
        policy, null, Optional.of(identity), 403, ReasonCode.NO_RULE_ALLOWED, policy.deny(), false);
  }

  /** A decision for when deciding itself failed: deny, never allow. */
  static Decision internalError() {
    return deny(
        null,
        null,
        Optional.empty(),
        500,
        ReasonCode.INTERNAL_ERROR,
        AuthPolicy.DenyResponse.DEFAULT,
        false);
  }

  private static ReasonCode okReason(Identity identity) {
    return identity.method().equals("anonymous") ? ReasonCode.ANONYMOUS : ReasonCode.OK;
  }

  private static Decision allow(
      AuthPolicy policy, Rule rule, Identity identity, CheckInput input, ReasonCode reason) {
    AuthPolicy.AllowResponse response =
        policy == null ? AuthPolicy.AllowResponse.NONE : policy.response();
    List<Decision.Header> headers = new ArrayList<>(response.headers().size());
    for (Map.Entry<String, Template> header : response.headers().entrySet()) {
      String value = header.getValue().render(input, identity);
      if (!value.isEmpty()) {
        headers.add(new Decision.Header(header.getKey(), value, true));
      }
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, Template> entry : response.dynamicMetadata().entrySet()) {
      String value = entry.getValue().render(input, identity);
      if (!value.isEmpty()) {
        metadata.put(entry.getKey(), value);
      }
    }
    return new Decision(
        true,
        200,
        reason,
        Optional.ofNullable(policy).map(AuthPolicy::name),
        Optional.ofNullable(rule).map(Rule::name),
        Optional.of(identity),
        headers,
        response.removeHeaders(),
        metadata,
        List.of(),
        "");
  }

  private static Decision deny(
      AuthPolicy policy,
      Rule rule,
      Optional<Identity> identity,
      int status,
      ReasonCode reason,
      AuthPolicy.DenyResponse deny,
      boolean invalidCredential) {
    List<Decision.Header> headers = new ArrayList<>();
    if (status == 401) {
      // RFC 6750: say a token was bad only with the stable code, never why in detail.
      String challenge =
          "Bearer realm=\""
              + deny.realm()
              + "\""
              + (invalidCredential ? ", error=\"invalid_token\"" : "");
      headers.add(new Decision.Header("www-authenticate", challenge, true));
    }
    headers.add(new Decision.Header("x-ext-auth-reason", reason.code(), true));
    deny.headers().forEach((name, value) -> headers.add(new Decision.Header(name, value, true)));
    return new Decision(
        false,
        status,
        reason,
        Optional.ofNullable(policy).map(AuthPolicy::name),
        Optional.ofNullable(rule).map(Rule::name),
        identity,
        List.of(),
        List.of(),
        Map.of(),
        headers,
        deny.body());
  }
}
