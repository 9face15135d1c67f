package io.attache.authz.rules;

import static io.attache.authz.rules.Requests.apiKey;
import static io.attache.authz.rules.Requests.get;
import static io.attache.authz.rules.Requests.jwt;
import static io.attache.authz.rules.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Identity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CelRuleTest {

  private static final Identity ANONYMOUS = Identity.anonymous();

  private static CelRule rule(String expression) throws RuleCompileException {
    return CelRule.compile("test-rule", expression);
  }

  @Nested
  class CompileErrors {

    @Test
    void aSyntaxErrorNamesTheRuleQuotesTheExpressionAndCarriesTheParserError() {
      assertThatThrownBy(() -> CelRule.compile("only-admins", "identity.claims.role = 'admin'"))
          .isInstanceOf(RuleCompileException.class)
          .hasMessageStartingWith(
              "rule 'only-admins': cannot compile \"identity.claims.role = 'admin'\": ")
          .hasMessageContaining("only-admins:1:22")
          .hasMessageContaining("token recognition error");
    }

    @Test
    void aNonBooleanExpressionIsACompileError() {
      assertThatThrownBy(() -> CelRule.compile("count", "size(request.headers) + 1"))
          .isInstanceOf(RuleCompileException.class)
          .hasMessageStartingWith("rule 'count': cannot compile \"size(request.headers) + 1\": ")
          .hasMessageContaining("expected type 'bool' but found 'int'");
    }

    @Test
    void anUnknownVariableIsACompileError() {
      assertThatThrownBy(() -> CelRule.compile("who", "user.name == 'alice'"))
          .isInstanceOf(RuleCompileException.class)
          .hasMessageContaining("undeclared reference to 'user'");
    }

    @Test
    void anUnknownFunctionIsACompileError() {
      assertThatThrownBy(() -> CelRule.compile("fn", "request.path.beginsWith('/a')"))
          .isInstanceOf(RuleCompileException.class)
          .hasMessageContaining("beginsWith");
    }

    @Test
    void theExceptionExposesExpressionAndErrorSeparately() {
      RuleCompileException e = null;
      try {
        CelRule.compile("broken", "request.method ==");
      } catch (RuleCompileException thrown) {
        e = thrown;
      }

      assertThat(e).isNotNull();
      assertThat(e.ruleName()).isEqualTo("broken");
      assertThat(e.expression()).isEqualTo("request.method ==");
      assertThat(e.error()).startsWith("ERROR: broken:1:").contains("| request.method ==");
    }
  }

  @Nested
  class TypicalRules {

    @Test
    void methodAndPathPrefix() throws Exception {
      CelRule publicReads = rule("request.method == 'GET' && request.path.startsWith('/public/')");

      assertThat(publicReads.matches(new RuleContext(get("/public/logo.png"), ANONYMOUS))).isTrue();
      assertThat(publicReads.matches(new RuleContext(get("/private/x"), ANONYMOUS))).isFalse();
      assertThat(
              publicReads.matches(
                  new RuleContext(request("POST", "/public/x", Map.of()), ANONYMOUS)))
          .isFalse();
    }

    @Test
    void claimEquality() throws Exception {
      CelRule admins = rule("identity.claims.role == 'admin'");

      assertThat(admins.evaluate(new RuleContext(get("/"), jwt("a", Map.of("role", "admin")))))
          .isEqualTo(RuleOutcome.MATCH);
      assertThat(admins.evaluate(new RuleContext(get("/"), jwt("b", Map.of("role", "user")))))
          .isEqualTo(RuleOutcome.NO_MATCH);
    }

    @Test
    void membershipInAListClaim() throws Exception {
      CelRule inGroup = rule("'admins' in identity.claims.groups");

      assertThat(
              inGroup.matches(
                  new RuleContext(get("/"), jwt("a", Map.of("groups", List.of("dev", "admins"))))))
          .isTrue();
      assertThat(
              inGroup.matches(
                  new RuleContext(get("/"), jwt("b", Map.of("groups", List.of("dev"))))))
          .isFalse();
    }

    @Test
    void headerAgainstCredentialMetadata() throws Exception {
      CelRule sameTenant = rule("request.headers['x-tenant'] == identity.metadata.tenant");
      Identity acme = apiKey("ci-bot", Map.of("tenant", "acme"));

      assertThat(
              sameTenant.matches(
                  new RuleContext(request("GET", "/", Map.of("x-tenant", "acme")), acme)))
          .isTrue();
      assertThat(
              sameTenant.matches(
                  new RuleContext(request("GET", "/", Map.of("x-tenant", "globex")), acme)))
          .isFalse();
    }

    @Test
    void principalSuffix() throws Exception {
      CelRule staff = rule("identity.principal.endsWith('@example.com')");

      assertThat(staff.matches(new RuleContext(get("/"), jwt("ann@example.com", Map.of()))))
          .isTrue();
      assertThat(staff.matches(new RuleContext(get("/"), jwt("eve@evil.test", Map.of()))))
          .isFalse();
    }

    @Test
    void sourceAddressPrefix() throws Exception {
      CelRule internal = rule("request.source_address.startsWith('10.')");

      assertThat(
              internal.matches(
                  new RuleContext(request("GET", "/", Map.of(), "10.0.0.7:40000"), ANONYMOUS)))
          .isTrue();
      assertThat(
              internal.matches(
                  new RuleContext(request("GET", "/", Map.of(), "192.168.1.9:40000"), ANONYMOUS)))
          .isFalse();
    }

    @Test
    void nestedClaimsWithAMacro() throws Exception {
      CelRule ops = rule("identity.claims.realm_access.roles.exists(r, r == 'ops')");
      Identity caller = jwt("a", Map.of("realm_access", Map.of("roles", List.of("viewer", "ops"))));

      assertThat(ops.matches(new RuleContext(get("/"), caller))).isTrue();
    }

    @Test
    void anIntegerClaimComparesWithADouble() throws Exception {
      CelRule senior = rule("identity.claims.level > 2.5");

      assertThat(senior.matches(new RuleContext(get("/"), jwt("a", Map.of("level", 3))))).isTrue();
    }

    @Test
    void aGuardedLookupOfAnAbsentClaimIsNoMatchNotAnError() throws Exception {
      CelRule guarded = rule("has(identity.claims.role) && identity.claims.role == 'admin'");

      assertThat(guarded.evaluate(new RuleContext(get("/"), jwt("a", Map.of()))))
          .isEqualTo(RuleOutcome.NO_MATCH);
    }

    @Test
    void aNullNestedClaimEqualsNull() throws Exception {
      Map<String, Object> address = new HashMap<>();
      address.put("street", null);
      CelRule noStreet = rule("identity.claims.address.street == null");

      assertThat(noStreet.matches(new RuleContext(get("/"), jwt("a", Map.of("address", address)))))
          .isTrue();
    }

    @Test
    void sourcePrincipalIsEmptyWithoutMtls() throws Exception {
      CelRule noCert = rule("request.source_principal == ''");

      assertThat(noCert.matches(new RuleContext(get("/"), ANONYMOUS))).isTrue();
    }

    @Test
    void contextExtensionsAreVisible() throws Exception {
      CelRule mapping = rule("request.context_extensions.mapping == 'api'");

      assertThat(mapping.matches(new RuleContext(get("/"), ANONYMOUS))).isTrue();
    }
  }

  @Nested
  class RuntimeErrors {

    @Test
    void anAbsentClaimIsAnErrorOutcomeNamingTheRuleAndTheKey() throws Exception {
      CelRule missing = CelRule.compile("needs-missing", "identity.claims.missing == 'x'");

      RuleOutcome outcome = missing.evaluate(new RuleContext(get("/"), jwt("a", Map.of())));

      assertThat(outcome.kind()).isEqualTo(RuleOutcome.Kind.ERROR);
      assertThat(outcome.error())
          .hasValueSatisfying(
              message ->
                  assertThat(message).startsWith("rule 'needs-missing': ").contains("missing"));
    }

    @Test
    void anErrorIsNeverAMatch() throws Exception {
      CelRule missing = rule("identity.claims.missing == 'x'");

      assertThat(missing.matches(new RuleContext(get("/"), jwt("a", Map.of())))).isFalse();
    }

    @Test
    void nestedComprehensionsStopAtTheIterationBudget() throws Exception {
      // 10^6 iterations if run out: seconds of CPU on every request. Found by fuzzing
      // (docs/fuzzing.md); the budget counts every comprehension step of one evaluation.
      String ten = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]";
      CelRule slow =
          rule(
              ten
                  + ".exists(a, "
                  + ten
                  + ".exists(b, "
                  + ten
                  + ".exists(c, "
                  + ten
                  + ".exists(d, "
                  + ten
                  + ".exists(e, "
                  + ten
                  + ".exists(f, a + b + c + d + e + f > 60))))))");

      long start = System.nanoTime();
      RuleOutcome outcome = slow.evaluate(new RuleContext(get("/"), ANONYMOUS));

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(outcome.kind()).isEqualTo(RuleOutcome.Kind.ERROR);
      assertThat(outcome.error().orElseThrow()).contains("10000");
    }

    @Test
    void aRuleWithinTheBudgetRunsToTheEnd() throws Exception {
      List<String> groups =
          java.util.stream.IntStream.range(0, 9_000).mapToObj(i -> "g" + i).toList();
      CelRule last = rule("identity.claims.groups.exists(g, g == 'g8999')");

      assertThat(last.evaluate(new RuleContext(get("/"), jwt("a", Map.of("groups", groups)))))
          .isEqualTo(RuleOutcome.MATCH);
    }

    @Test
    void anAbsentHeaderIsAnErrorOutcome() throws Exception {
      CelRule tenant = rule("request.headers['x-tenant'] == 'acme'");

      assertThat(tenant.evaluate(new RuleContext(get("/"), ANONYMOUS)).kind())
          .isEqualTo(RuleOutcome.Kind.ERROR);
    }

    @Test
    void aTypeMismatchFoundAtRunTimeIsAnErrorOutcome() throws Exception {
      CelRule arithmetic = rule("identity.claims.role + 1 > 2");

      assertThat(
              arithmetic
                  .evaluate(new RuleContext(get("/"), jwt("a", Map.of("role", "admin"))))
                  .kind())
          .isEqualTo(RuleOutcome.Kind.ERROR);
    }

    @Test
    void aDynamicResultThatIsNotABoolIsAnErrorOutcome() throws Exception {
      CelRule header = rule("request.headers['x-admin']");

      RuleOutcome outcome =
          header.evaluate(
              new RuleContext(request("GET", "/", Map.of("x-admin", "yes")), ANONYMOUS));

      assertThat(outcome.error()).hasValue("rule 'test-rule': result is String, not bool");
    }

    @Test
    void divisionByZeroIsAnErrorOutcome() throws Exception {
      CelRule divide = rule("10 / size(request.query) > 1");

      assertThatCode(() -> divide.evaluate(new RuleContext(get("/"), ANONYMOUS)))
          .doesNotThrowAnyException();
      assertThat(divide.evaluate(new RuleContext(get("/"), ANONYMOUS)).kind())
          .isEqualTo(RuleOutcome.Kind.ERROR);
    }
  }

  @Test
  void aCompiledRuleGivesTheSameAnswersWhenEvaluatedFromManyThreadsAtOnce() throws Exception {
    CelRule rule =
        rule(
            "request.headers['x-tenant'] == identity.metadata.tenant"
                + " && 'admins' in identity.claims.groups");
    List<RuleContext> contexts = new ArrayList<>();
    List<RuleOutcome.Kind> expected = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      String tenant = "t" + i % 4;
      String header = i % 3 == 0 ? "other" : tenant;
      List<String> groups = i % 5 == 0 ? List.of("dev") : List.of("dev", "admins");
      Map<String, String> headers = i % 7 == 0 ? Map.of() : Map.of("x-tenant", header);
      Identity identity =
          new Identity(
              "p" + i, "jwt", Map.of("groups", groups), Map.of("tenant", tenant), Optional.empty());
      CheckInput input = request("GET", "/", headers);
      contexts.add(new RuleContext(input, identity));
      // CEL's && is commutative over errors: error && false is false, error && true an error.
      boolean admin = groups.contains("admins");
      expected.add(
          !admin
              ? RuleOutcome.Kind.NO_MATCH
              : headers.isEmpty()
                  ? RuleOutcome.Kind.ERROR
                  : header.equals(tenant) ? RuleOutcome.Kind.MATCH : RuleOutcome.Kind.NO_MATCH);
    }
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<RuleOutcome.Kind[]>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        Callable<RuleOutcome.Kind[]> task =
            () -> {
              start.await();
              RuleOutcome.Kind[] seen = new RuleOutcome.Kind[contexts.size() * 200];
              for (int n = 0; n < seen.length; n++) {
                seen[n] = rule.evaluate(contexts.get((n + offset) % contexts.size())).kind();
              }
              return seen;
            };
        futures.add(pool.submit(task));
      }
      start.countDown();
      for (int t = 0; t < threads; t++) {
        RuleOutcome.Kind[] seen = futures.get(t).get(60, TimeUnit.SECONDS);
        RuleOutcome.Kind[] want = new RuleOutcome.Kind[seen.length];
        for (int n = 0; n < want.length; n++) {
          want[n] = expected.get((n + t) % contexts.size());
        }
        assertThat(Arrays.asList(seen)).containsExactlyElementsOf(Arrays.asList(want));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
