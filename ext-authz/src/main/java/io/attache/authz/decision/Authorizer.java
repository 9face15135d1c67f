package io.attache.authz.decision;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Decision;
import io.attache.authz.core.Identity;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.ReasonCode;
import io.attache.authz.policy.AuthPolicy;
import io.attache.authz.policy.DecisionCache;
import io.attache.authz.policy.Rule;
import io.attache.authz.policy.Template;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Decides a check: the first policy that matches the request, its identity methods in order, its
 * rules in order, then the response. Pure, and synchronous as a rule: key material and policies are
 * already in memory, so a decision takes microseconds (a JWT signature check is the costliest
 * step). Only an identity method that must call out (introspection, TokenReview, a password hash
 * seen for the first time) makes a decision wait, and then without holding the caller's thread.
 */
public final class Authorizer {
  /** What a call out that failed (rather than answered) counts as: deny, never allow. */
  private static final IdentityResult FAILED_CALL =
      new IdentityResult.Rejected(ReasonCode.INTERNAL_ERROR, "identity call out failed");

  private final Supplier<List<AuthPolicy>> policies;
  private final boolean allowWithoutPolicy;
  private final CacheStats cacheStats;

  /** Counts remembered-decision lookups, per policy. */
  public interface CacheStats {
    void hit(String policy);

    void miss(String policy);

    CacheStats NONE =
        new CacheStats() {
          @Override
          public void hit(String policy) {}

          @Override
          public void miss(String policy) {}
        };
  }

  /**
   * @param policies the policies in force, in the order they are tried
   * @param allowWithoutPolicy what to answer when no policy covers a request (default: deny)
   */
  public Authorizer(Supplier<List<AuthPolicy>> policies, boolean allowWithoutPolicy) {
    this(policies, allowWithoutPolicy, CacheStats.NONE);
  }

  /** As above, counting lookups of remembered decisions in {@code cacheStats}. */
  public Authorizer(
      Supplier<List<AuthPolicy>> policies, boolean allowWithoutPolicy, CacheStats cacheStats) {
    this.policies = policies;
    this.allowWithoutPolicy = allowWithoutPolicy;
    this.cacheStats = cacheStats;
  }

  /**
   * Decides {@code input}. The future is already complete when every identity method answered from
   * memory, which is the rule; it completes later when one had to call out ({@link
   * IdentityResult.Pending}). It never completes exceptionally: a failure denies.
   */
  public CompletableFuture<Decision> decide(CheckInput input) {
    AuthPolicy policy = null;
    for (AuthPolicy candidate : policies.get()) {
      if (candidate.match().matches(input)) {
        policy = candidate;
        break;
      }
    }
    if (policy == null) {
      return CompletableFuture.completedFuture(
          allowWithoutPolicy
              ? allow(null, null, Identity.anonymous(), input, ReasonCode.NO_POLICY)
              : deny(
                  null,
                  null,
                  Optional.empty(),
                  403,
                  ReasonCode.NO_POLICY,
                  AuthPolicy.DenyResponse.DEFAULT,
                  false));
    }
    if (policy.cache().isEmpty()) {
      return identify(policy, input, 0);
    }
    DecisionCache cache = policy.cache().get();
    List<Object> key = cache.key(input);
    Decision remembered = cache.get(key);
    if (remembered != null) {
      cacheStats.hit(policy.name());
      return CompletableFuture.completedFuture(remembered);
    }
    cacheStats.miss(policy.name());
    return identify(policy, input, 0)
        .thenApply(
            decision -> {
              cache.put(key, decision);
              return decision;
            });
  }

  /**
   * {@link #decide}, waiting for any call out: for callers that may block (the CLI, tests), never
   * an event loop.
   */
  public Decision check(CheckInput input) {
    return decide(input).join();
  }

  /** Tries the policy's identity methods from {@code index} on. */
  private CompletableFuture<Decision> identify(AuthPolicy policy, CheckInput input, int index) {
    if (index == policy.identity().size()) {
      return CompletableFuture.completedFuture(
          deny(
              policy,
              null,
              Optional.empty(),
              401,
              ReasonCode.MISSING_CREDENTIALS,
              policy.deny(),
              false));
    }
    return settle(policy, input, index, policy.identity().get(index).verify(input));
  }

  /** What method {@code index}'s result means: a decision, the next method, or a wait. */
  private CompletableFuture<Decision> settle(
      AuthPolicy policy, CheckInput input, int index, IdentityResult result) {
    if (result instanceof IdentityResult.Authenticated authenticated) {
      Decision decision = authorize(policy, input, authenticated.identity());
      return CompletableFuture.completedFuture(
          authenticated.clientHeaders().isEmpty() || !decision.allowed()
              ? decision
              : withClientHeaders(decision, authenticated.clientHeaders()));
    }
    if (result instanceof IdentityResult.Respond respond) {
      return CompletableFuture.completedFuture(answered(policy, respond));
    }
    if (result instanceof IdentityResult.Rejected rejected) {
      int status = rejected.reason() == ReasonCode.CLIENT_CERT_NOT_ALLOWED ? 403 : 401;
      return CompletableFuture.completedFuture(
          deny(policy, null, Optional.empty(), status, rejected.reason(), policy.deny(), true));
    }
    if (result instanceof IdentityResult.Pending pending) {
      return pending
          .result()
          .toCompletableFuture()
          .handle((late, failure) -> failure == null && late != null ? late : FAILED_CALL)
          .thenCompose(late -> settle(policy, input, index, late));
    }
    return identify(policy, input, index + 1);
  }

  /** An allow that also sets headers on the client's response. */
  private static Decision withClientHeaders(Decision allowed, List<Decision.Header> headers) {
    return new Decision(
        true,
        allowed.httpStatus(),
        allowed.reason(),
        allowed.policy(),
        allowed.rule(),
        allowed.identity(),
        allowed.upstreamHeaders(),
        allowed.headersToRemove(),
        allowed.dynamicMetadata(),
        headers,
        allowed.body());
  }

  /** What a method answered itself (a redirect), as a denial: nothing goes upstream. */
  private static Decision answered(AuthPolicy policy, IdentityResult.Respond respond) {
    List<Decision.Header> headers = new ArrayList<>(respond.headers());
    headers.add(new Decision.Header("x-ext-auth-reason", respond.reason().code(), true));
    return new Decision(
        false,
        respond.status(),
        respond.reason(),
        Optional.of(policy.name()),
        Optional.empty(),
        respond.identity(),
        List.of(),
        List.of(),
        Map.of(),
        headers,
        "");
  }

  /** The rules, for a caller whose identity is established. */
  private static Decision authorize(AuthPolicy policy, CheckInput input, Identity identity) {
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

  /**
   * What replaces a decision whose audit event could not be recorded when the sink rejects ({@code
   * ATTACHE_EVENTS_WHEN_FULL=reject}): no decision without a record. 503, as the auditing part of
   * the service is what is unavailable.
   */
  static Decision auditUnavailable() {
    return deny(
        null,
        null,
        Optional.empty(),
        503,
        ReasonCode.AUDIT_UNAVAILABLE,
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
    return new Decision(
        true,
        200,
        reason,
        policy == null ? Optional.empty() : Optional.of(policy.name()),
        rule == null ? Optional.empty() : Optional.of(rule.name()),
        Optional.of(identity),
        upstreamHeaders(response.headers(), input, identity),
        response.removeHeaders(),
        dynamicMetadata(response.dynamicMetadata(), input, identity),
        List.of(),
        "");
  }

  /**
   * The rendered headers, leaving out those that render empty; built immutable, so the decision
   * takes the list without copying it.
   */
  private static List<Decision.Header> upstreamHeaders(
      Map<String, Template> templates, CheckInput input, Identity identity) {
    if (templates.isEmpty()) {
      return List.of();
    }
    Decision.Header[] headers = new Decision.Header[templates.size()];
    int count = 0;
    for (Map.Entry<String, Template> header : templates.entrySet()) {
      String value = header.getValue().render(input, identity);
      if (!value.isEmpty()) {
        headers[count++] = new Decision.Header(header.getKey(), value, true);
      }
    }
    return List.of(count == headers.length ? headers : Arrays.copyOf(headers, count));
  }

  private static Map<String, Object> dynamicMetadata(
      Map<String, Template> templates, CheckInput input, Identity identity) {
    if (templates.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, Template> entry : templates.entrySet()) {
      String value = entry.getValue().render(input, identity);
      if (!value.isEmpty()) {
        metadata.put(entry.getKey(), value);
      }
    }
    return metadata;
  }

  /**
   * One challenge per scheme the policy's methods use, in their order (RFC 9110 section 11.6.1
   * allows several): {@code Bearer} as RFC 6750 writes it, saying a token was bad only with the
   * stable code, never why in detail; {@code Basic} as RFC 7617 does, with the UTF-8 charset.
   */
  private static List<String> challenges(
      AuthPolicy policy, String realm, boolean invalidCredential) {
    Set<String> schemes = new LinkedHashSet<>();
    if (policy != null) {
      policy.identity().forEach(method -> schemes.add(method.challengeScheme()));
    }
    if (schemes.isEmpty()) {
      schemes.add("Bearer");
    }
    List<String> challenges = new ArrayList<>(schemes.size());
    for (String scheme : schemes) {
      String challenge = scheme + " realm=\"" + realm + "\"";
      if (scheme.equals("Bearer") && invalidCredential) {
        challenge += ", error=\"invalid_token\"";
      } else if (scheme.equals("Basic")) {
        challenge += ", charset=\"UTF-8\"";
      }
      challenges.add(challenge);
    }
    return challenges;
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
      // The first replaces any the upstream might set; the others are added beside it.
      for (String challenge : challenges(policy, deny.realm(), invalidCredential)) {
        headers.add(new Decision.Header("www-authenticate", challenge, headers.isEmpty()));
      }
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
