package io.attache.authz.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.Identity;
import io.attache.authz.core.PeerAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** Whatever the request looks like, evaluating a compiled rule gives an outcome, never throws. */
class CelRulePropertyTest {

  private static final List<CelRule> RULES =
      List.of(
          compile("public", "request.method == 'GET' && request.path.startsWith('/public/')"),
          compile("tenant", "request.headers['x-tenant'] == identity.metadata.tenant"),
          compile(
              "guarded-tenant",
              "'x-tenant' in request.headers"
                  + " && request.headers['x-tenant'] == identity.metadata.tenant"),
          compile("admins", "'admins' in identity.claims.groups"),
          compile("header-count", "size(request.headers) < 5 || request.path.matches('^/a+$')"),
          compile("all-short", "request.headers.all(k, size(request.headers[k]) < 10)"));

  private static final Identity CALLER =
      new Identity(
          "p", "jwt", Map.of("groups", List.of("admins")), Map.of("tenant", "t"), Optional.empty());

  @Property(tries = 300)
  void evaluationNeverThrows(
      @ForAll("headers") Map<String, String> headers, @ForAll("paths") String path) {
    RuleContext context = new RuleContext(input(headers, path), CALLER);

    for (CelRule rule : RULES) {
      RuleOutcome outcome = rule.evaluate(context);
      assertThat(outcome).isNotNull();
      assertThat(outcome.error().isPresent()).isEqualTo(outcome.kind() == RuleOutcome.Kind.ERROR);
    }
  }

  @Property(tries = 300)
  void aGuardedHeaderLookupIsNeverAnError(
      @ForAll("headers") Map<String, String> headers, @ForAll("paths") String path) {
    RuleOutcome outcome = RULES.get(2).evaluate(new RuleContext(input(headers, path), CALLER));

    assertThat(outcome.kind()).isNotEqualTo(RuleOutcome.Kind.ERROR);
  }

  @Property(tries = 300)
  void anUnguardedHeaderLookupErrsExactlyWhenTheHeaderIsAbsent(
      @ForAll("headers") Map<String, String> headers) {
    RuleOutcome outcome = RULES.get(1).evaluate(new RuleContext(input(headers, "/"), CALLER));

    assertThat(outcome.kind() == RuleOutcome.Kind.ERROR)
        .isEqualTo(!headers.containsKey("x-tenant"));
  }

  @Property(tries = 100)
  void anyMethodAndPathStringIsSafe(
      @ForAll @StringLength(max = 40) String method,
      @ForAll @StringLength(max = 200) String path,
      @ForAll @Size(max = 5) Map<@StringLength(max = 10) String, String> headers) {
    RuleContext context =
        new RuleContext(
            new CheckInput(
                new HttpAttributes(method, "h", path, "", headers, "http", Optional.empty()),
                new PeerAttributes("", Optional.empty()),
                Map.of()),
            Identity.anonymous());

    for (CelRule rule : RULES) {
      assertThat(rule.evaluate(context)).isNotNull();
    }
  }

  @Provide
  Arbitrary<Map<String, String>> headers() {
    Arbitrary<String> names =
        Arbitraries.oneOf(
            Arbitraries.of("x-tenant", "authorization", "content-type", "x-request-id"),
            Arbitraries.strings()
                .withCharRange('a', 'z')
                .withChars('-')
                .ofMinLength(1)
                .ofMaxLength(20));
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.of("t", "", "acme"), Arbitraries.strings().all().ofMaxLength(30));
    return Arbitraries.maps(names, values).ofMaxSize(8);
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment =
        Arbitraries.strings().withCharRange('a', 'z').withChars("%.~_-").ofMaxLength(12);
    return Arbitraries.oneOf(
        segment.list().ofMaxSize(6).map(parts -> "/" + String.join("/", parts)),
        segment.map(s -> "/public/" + s),
        Arbitraries.strings().all().ofMaxLength(50));
  }

  private static CheckInput input(Map<String, String> headers, String path) {
    return new CheckInput(
        new HttpAttributes("GET", "api.example.com", path, "", headers, "https", Optional.empty()),
        new PeerAttributes("10.0.0.1:1234", Optional.empty()),
        Map.of());
  }

  private static CelRule compile(String name, String expression) {
    try {
      return CelRule.compile(name, expression);
    } catch (RuleCompileException e) {
      throw new IllegalStateException(e);
    }
  }
}
