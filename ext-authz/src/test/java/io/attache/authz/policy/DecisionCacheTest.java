package io.attache.authz.policy;

import static io.attache.authz.core.Requests.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Decision;
import io.attache.authz.decision.Authorizer;
import io.attache.authz.rules.CelConditions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Remembered decisions ({@code spec.cache}): keyed by exactly what the policy reads, so requests
 * that differ only in what it does not read share an answer, and any difference it reads does not.
 */
class DecisionCacheTest {
  private static final String POLICY =
      """
      metadata: {name: tenants}
      spec:
        identity: [{apiKey: {keys: [{key: k-alice, principal: alice}]}}]
        rules:
          - name: own-tenant
            when: "request.headers['x-tenant'] == 'acme' && request.method == 'GET'"
        response: {headers: {x-path: "{request.path}"}}
        cache: {ttl: 30s, invalidCredentialTtl: 1s}
      """;

  private final List<String> lookups = new ArrayList<>();

  private Authorizer authorizer(String yaml) throws PolicyException {
    List<AuthPolicy> policies =
        new PolicyParser((spec, path, problems) -> null, new CelConditions(), "s".getBytes())
            .parse("p.yaml", yaml);
    return new Authorizer(
        () -> policies,
        false,
        new Authorizer.CacheStats() {
          @Override
          public void hit(String policy) {
            lookups.add("hit");
          }

          @Override
          public void miss(String policy) {
            lookups.add("miss");
          }
        });
  }

  private static CheckInput request(String path, String tenant, String requestId, String key) {
    return get("h", path, "x-api-key", key, "x-tenant", tenant, "x-request-id", requestId);
  }

  @Test
  void aRequestDifferingOnlyInWhatThePolicyDoesNotReadIsAnsweredFromMemory() throws Exception {
    Authorizer authorizer = authorizer(POLICY);

    Decision first = authorizer.check(request("/a", "acme", "r1", "k-alice"));
    Decision otherRequestId = authorizer.check(request("/a", "acme", "r2", "k-alice"));
    Decision otherTenant = authorizer.check(request("/a", "globex", "r3", "k-alice"));
    Decision otherPath = authorizer.check(request("/b", "acme", "r4", "k-alice"));

    assertThat(lookups).containsExactly("miss", "hit", "miss", "miss");
    assertThat(otherRequestId).isSameAs(first);
    assertThat(otherTenant.allowed()).isFalse();
    assertThat(otherPath.upstreamHeaders()).contains(new Decision.Header("x-path", "/b", true));
  }

  @Test
  void aBadCredentialIsRememberedOnlyBriefly() throws Exception {
    Authorizer authorizer = authorizer(POLICY);

    Decision bad = authorizer.check(request("/a", "acme", "r1", "k-mallory"));
    authorizer.check(request("/a", "acme", "r2", "k-mallory"));
    Thread.sleep(1_100);
    authorizer.check(request("/a", "acme", "r3", "k-mallory"));

    assertThat(bad.httpStatus()).isEqualTo(401);
    assertThat(lookups).containsExactly("miss", "hit", "miss");
  }

  @Test
  void aChangedPolicyStartsWithNothingRemembered() throws Exception {
    authorizer(POLICY).check(request("/a", "acme", "r1", "k-alice"));

    authorizer(POLICY).check(request("/a", "acme", "r1", "k-alice"));

    assertThat(lookups).containsExactly("miss", "miss");
  }

  @Test
  void aPolicyThatReadsMoreThanAKeyCanHoldIsRefusedWithTheRule() {
    String wholeHeaders =
        POLICY.replace(
            "request.headers['x-tenant'] == 'acme' && request.method == 'GET'",
            "'x-debug' in request.headers");

    assertThatThrownBy(() -> authorizer(wholeHeaders))
        .isInstanceOfSatisfying(
            PolicyException.class,
            e ->
                assertThat(e.errors())
                    .extracting(PolicyError::toString)
                    .containsExactly(
                        "p.yaml: spec.cache: decisions cannot be remembered: rule 'own-tenant'"
                            + " reads request.headers as a whole; name what it needs"
                            + " (request.path, request.headers['x-tenant'])"));
  }
}
