package io.attache.authz.core;

import static io.attache.authz.core.Requests.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.decision.Authorizer;
import io.attache.authz.identity.AnonymousVerifier;
import io.attache.authz.identity.CredentialSource;
import io.attache.authz.identity.apikey.ApiKey;
import io.attache.authz.identity.apikey.ApiKeyVerifier;
import io.attache.authz.identity.mtls.MtlsVerifier;
import io.attache.authz.policy.AuthPolicy;
import io.attache.authz.policy.PathMatch;
import io.attache.authz.policy.RequestMatch;
import io.attache.authz.policy.Rule;
import io.attache.authz.policy.Template;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AuthorizerTest {
  private static final byte[] SECRET = "fingerprint-secret".getBytes();
  private static final ApiKeyVerifier API_KEYS =
      new ApiKeyVerifier(
          new CredentialSource.Header("x-api-key", ""),
          () ->
              List.of(
                  new ApiKey(ApiKeyVerifier.sha256("k-alice"), "alice", Map.of("tier", "gold")),
                  new ApiKey(ApiKeyVerifier.sha256("k-bob"), "bob", Map.of("tier", "free"))),
          SECRET);

  private static AuthPolicy policy(String name, RequestMatch match, List<Rule> rules) {
    return new AuthPolicy(
        name,
        match,
        List.of(API_KEYS),
        rules,
        new AuthPolicy.AllowResponse(
            Map.of(
                "x-user-id",
                Template.parse("{identity.principal}"),
                "x-tier",
                Template.parse("{identity.metadata.tier}")),
            List.of("x-api-key"),
            Map.of(
                "principal",
                Template.parse("{identity.principal}"),
                "tier",
                Template.parse("{identity.metadata.tier}"))),
        new AuthPolicy.DenyResponse(
            "api", "{\"error\":\"denied\"}", Map.of("content-type", "application/json")));
  }

  private static final RequestMatch API =
      new RequestMatch(
          List.of("api.example.com"), List.of(new PathMatch.Prefix("/v1/")), Set.of(), Set.of());

  @Test
  void aValidKeyIsAllowedWithHeadersRemovalsAndMetadataForTheRateLimitFilter() {
    Authorizer authorizer = new Authorizer(() -> List.of(policy("api", API, List.of())), false);

    Decision decision =
        authorizer.check(get("api.example.com:443", "/v1/things", "x-api-key", "k-alice"));

    assertThat(decision.allowed()).isTrue();
    assertThat(decision.reason()).isEqualTo(ReasonCode.OK);
    assertThat(decision.upstreamHeaders())
        .containsExactlyInAnyOrder(
            new Decision.Header("x-user-id", "alice", true),
            new Decision.Header("x-tier", "gold", true));
    assertThat(decision.headersToRemove()).containsExactly("x-api-key");
    assertThat(decision.dynamicMetadata())
        .containsEntry("principal", "alice")
        .containsEntry("tier", "gold");
    assertThat(decision.identity().orElseThrow().keyFingerprint()).isPresent();
    assertThat(decision.identity().orElseThrow().keyFingerprint().get()).doesNotContain("k-alice");
  }

  @Test
  void aMissingCredentialIs401WithAChallenge() {
    Authorizer authorizer = new Authorizer(() -> List.of(policy("api", API, List.of())), false);

    Decision decision = authorizer.check(get("api.example.com", "/v1/things"));

    assertThat(decision.allowed()).isFalse();
    assertThat(decision.httpStatus()).isEqualTo(401);
    assertThat(decision.reason()).isEqualTo(ReasonCode.MISSING_CREDENTIALS);
    assertThat(decision.responseHeaders())
        .contains(new Decision.Header("www-authenticate", "Bearer realm=\"api\"", true));
    assertThat(decision.body()).isEqualTo("{\"error\":\"denied\"}");
  }

  @Test
  void aWrongKeyIs401InvalidWithoutSayingWhy() {
    Authorizer authorizer = new Authorizer(() -> List.of(policy("api", API, List.of())), false);

    Decision decision = authorizer.check(get("api.example.com", "/v1/things", "x-api-key", "nope"));

    assertThat(decision.httpStatus()).isEqualTo(401);
    assertThat(decision.reason()).isEqualTo(ReasonCode.API_KEY_INVALID);
    assertThat(decision.responseHeaders())
        .contains(
            new Decision.Header(
                "www-authenticate", "Bearer realm=\"api\", error=\"invalid_token\"", true))
        .contains(new Decision.Header("x-ext-auth-reason", "api_key_invalid", true));
  }

  @Test
  void rulesDecideInOrderAndNoMatchingRuleDenies() {
    Rule goldOnly =
        new Rule(
            "gold-only",
            Rule.Action.ALLOW,
            (input, identity) ->
                "gold".equals(identity.metadata().get("tier"))
                    ? Rule.Outcome.MATCH
                    : Rule.Outcome.NO_MATCH);
    Authorizer authorizer =
        new Authorizer(() -> List.of(policy("api", API, List.of(goldOnly))), false);

    Decision alice = authorizer.check(get("api.example.com", "/v1/x", "x-api-key", "k-alice"));
    Decision bob = authorizer.check(get("api.example.com", "/v1/x", "x-api-key", "k-bob"));

    assertThat(alice.allowed()).isTrue();
    assertThat(alice.rule()).contains("gold-only");
    assertThat(bob.httpStatus()).isEqualTo(403);
    assertThat(bob.reason()).isEqualTo(ReasonCode.NO_RULE_ALLOWED);
  }

  @Test
  void aDenyRuleDecidesAndAnErrorNeverAllows() {
    Rule denyDeletes =
        new Rule(
            "no-deletes",
            Rule.Action.DENY,
            (input, identity) ->
                input.request().method().equals("DELETE")
                    ? Rule.Outcome.MATCH
                    : Rule.Outcome.NO_MATCH);
    Rule brokenAllow =
        new Rule("broken-allow", Rule.Action.ALLOW, (input, identity) -> Rule.Outcome.ERROR);
    Rule brokenDeny =
        new Rule("broken-deny", Rule.Action.DENY, (input, identity) -> Rule.Outcome.ERROR);
    Rule allowAll = new Rule("all", Rule.Action.ALLOW, (input, identity) -> Rule.Outcome.MATCH);

    Decision delete =
        new Authorizer(() -> List.of(policy("api", API, List.of(denyDeletes, allowAll))), false)
            .check(
                Requests.request(
                    "DELETE",
                    "api.example.com",
                    "/v1/x",
                    Optional.empty(),
                    "x-api-key",
                    "k-alice"));
    Decision afterBrokenAllow =
        new Authorizer(() -> List.of(policy("api", API, List.of(brokenAllow))), false)
            .check(get("api.example.com", "/v1/x", "x-api-key", "k-alice"));
    Decision afterBrokenDeny =
        new Authorizer(() -> List.of(policy("api", API, List.of(brokenDeny, allowAll))), false)
            .check(get("api.example.com", "/v1/x", "x-api-key", "k-alice"));

    assertThat(delete.reason()).isEqualTo(ReasonCode.RULE_DENIED);
    assertThat(delete.rule()).contains("no-deletes");
    assertThat(afterBrokenAllow.reason()).isEqualTo(ReasonCode.NO_RULE_ALLOWED);
    assertThat(afterBrokenDeny.reason()).isEqualTo(ReasonCode.RULE_DENIED);
    assertThat(afterBrokenDeny.rule()).contains("broken-deny");
  }

  @Test
  void noMatchingPolicyDeniesByDefaultOrAllowsWhenConfigured() {
    List<AuthPolicy> policies = List.of(policy("api", API, List.of()));

    assertThat(new Authorizer(() -> policies, false).check(get("other.example.com", "/")).reason())
        .isEqualTo(ReasonCode.NO_POLICY);
    assertThat(
            new Authorizer(() -> policies, false).check(get("other.example.com", "/")).httpStatus())
        .isEqualTo(403);
    assertThat(new Authorizer(() -> policies, true).check(get("other.example.com", "/")).allowed())
        .isTrue();
  }

  @Test
  void theFirstMatchingPolicyApplies() {
    AuthPolicy open =
        new AuthPolicy(
            "public",
            new RequestMatch(
                List.of("*.example.com"),
                List.of(new PathMatch.Exact("/health")),
                Set.of("GET"),
                Set.of()),
            List.of(new AnonymousVerifier()),
            List.of(),
            AuthPolicy.AllowResponse.NONE,
            AuthPolicy.DenyResponse.DEFAULT);
    Authorizer authorizer =
        new Authorizer(() -> List.of(open, policy("api", API, List.of())), false);

    Decision health = authorizer.check(get("api.example.com", "/health"));

    assertThat(health.allowed()).isTrue();
    assertThat(health.reason()).isEqualTo(ReasonCode.ANONYMOUS);
    assertThat(health.policy()).contains("public");
  }

  @Test
  void mtlsIdentitiesMatchPatternsAndOthersAre403() {
    AuthPolicy mesh =
        new AuthPolicy(
            "mesh",
            RequestMatch.ALL,
            List.of(new MtlsVerifier(List.of("spiffe://cluster.local/ns/shop/sa/*"))),
            List.of(),
            new AuthPolicy.AllowResponse(
                Map.of("x-client", Template.parse("{identity.principal}")), List.of(), Map.of()),
            AuthPolicy.DenyResponse.DEFAULT);
    Authorizer authorizer = new Authorizer(() -> List.of(mesh), false);

    Decision allowed =
        authorizer.check(
            Requests.request(
                "GET", "svc", "/", Optional.of("spiffe://cluster.local/ns/shop/sa/cart")));
    Decision other =
        authorizer.check(
            Requests.request(
                "GET", "svc", "/", Optional.of("spiffe://cluster.local/ns/evil/sa/x")));
    Decision none = authorizer.check(Requests.request("GET", "svc", "/", Optional.empty()));

    assertThat(allowed.allowed()).isTrue();
    assertThat(allowed.upstreamHeaders())
        .containsExactly(
            new Decision.Header("x-client", "spiffe://cluster.local/ns/shop/sa/cart", true));
    assertThat(other.httpStatus()).isEqualTo(403);
    assertThat(other.reason()).isEqualTo(ReasonCode.CLIENT_CERT_NOT_ALLOWED);
    assertThat(none.reason()).isEqualTo(ReasonCode.MISSING_CREDENTIALS);
  }

  @Test
  void queryParameterKeysAreFoundAndDecoded() {
    ApiKeyVerifier fromQuery =
        new ApiKeyVerifier(
            new CredentialSource.Query("api_key"),
            () -> List.of(new ApiKey(ApiKeyVerifier.sha256("a b+c"), "carol", Map.of())),
            SECRET);

    IdentityResult result = fromQuery.verify(get("h", "/x?foo=1&api_key=a%20b%2Bc"));

    assertThat(result)
        .isInstanceOfSatisfying(
            IdentityResult.Authenticated.class,
            a -> assertThat(a.identity().principal()).isEqualTo("carol"));
  }

  /** A verifier whose answer needs a call out, answered when the test says so. */
  private static AuthPolicy waitingFor(CompletableFuture<IdentityResult> answer) {
    return new AuthPolicy(
        "remote",
        RequestMatch.ALL,
        List.of(input -> new IdentityResult.Pending(answer), API_KEYS),
        List.of(),
        AuthPolicy.AllowResponse.NONE,
        AuthPolicy.DenyResponse.DEFAULT);
  }

  @Test
  void aMethodThatCallsOutDecidesWhenItsCallAnswers() {
    CompletableFuture<IdentityResult> answer = new CompletableFuture<>();
    Authorizer authorizer = new Authorizer(() -> List.of(waitingFor(answer)), false);

    CompletableFuture<Decision> decided = authorizer.decide(get("h", "/"));
    boolean waitedForTheCall = !decided.isDone();
    answer.complete(
        new IdentityResult.Authenticated(
            new Identity("opaque-user", "introspection", Map.of(), Map.of(), Optional.empty())));

    assertThat(waitedForTheCall).isTrue();
    assertThat(decided.join().allowed()).isTrue();
    assertThat(decided.join().identity().orElseThrow().principal()).isEqualTo("opaque-user");
  }

  @Test
  void aCallOutThatFindsNoCredentialGoesOnToTheNextMethod() {
    Authorizer authorizer =
        new Authorizer(
            () -> List.of(waitingFor(CompletableFuture.completedFuture(IdentityResult.ABSENT))),
            false);

    Decision decision = authorizer.check(get("h", "/", "x-api-key", "k-bob"));

    assertThat(decision.identity().orElseThrow().principal()).isEqualTo("bob");
  }

  @Test
  void aCallOutThatFailsDeniesAndNeverAllows() {
    Authorizer authorizer =
        new Authorizer(
            () ->
                List.of(
                    waitingFor(
                        CompletableFuture.failedFuture(new IllegalStateException("connect")))),
            false);

    Decision decision = authorizer.check(get("h", "/", "x-api-key", "k-bob"));

    assertThat(decision.allowed()).isFalse();
    assertThat(decision.httpStatus()).isEqualTo(401);
    assertThat(decision.reason()).isEqualTo(ReasonCode.INTERNAL_ERROR);
  }
}
