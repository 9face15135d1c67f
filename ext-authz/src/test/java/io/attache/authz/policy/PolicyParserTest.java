package io.attache.authz.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.authz.core.Decision;
import io.attache.authz.core.ReasonCode;
import io.attache.authz.core.Requests;
import io.attache.authz.decision.Authorizer;
import io.attache.authz.rules.CelConditions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyParserTest {
  private final PolicyParser parser =
      new PolicyParser(
          (spec, path, problems) -> {
            problems.add(path + ": jwt is not under test here");
            return null;
          },
          new CelConditions(),
          "secret".getBytes());

  private static final String ORDERS =
      """
      apiVersion: attache.io/v1alpha1
      kind: AuthPolicy
      metadata: {name: orders, namespace: shop}
      spec:
        match:
          hosts: [shop.example.com]
          paths: [{prefix: /orders}, {regex: "^/carts/[0-9]+$"}]
          methods: [get, post, delete]
        identity:
          - apiKey:
              from: {header: x-api-key}
              keys:
                - {key: key-ops, principal: ops, metadata: {role: admin}}
                - {sha256: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae, principal: foo}
        rules:
          - name: admins-may-delete
            action: allow
            when: "request.method == 'DELETE' && identity.metadata.role == 'admin'"
          - name: no-other-deletes
            action: deny
            when: "request.method == 'DELETE'"
          - name: reads-and-writes
            when: "true"
        response:
          headers: {X-User: "{identity.principal}"}
          removeHeaders: [X-Api-Key]
          dynamicMetadata: {user: "{identity.principal}"}
        deny:
          realm: shop
      """;

  @Test
  void aFullPolicyLoadsAndDecides() throws Exception {
    List<AuthPolicy> policies = parser.parse("policies/orders.yaml", ORDERS);
    Authorizer authorizer = new Authorizer(() -> policies, false);

    Decision opsDelete =
        authorizer.check(
            Requests.request(
                "DELETE",
                "shop.example.com",
                "/orders/7",
                Optional.empty(),
                "x-api-key",
                "key-ops"));
    Decision fooDelete =
        authorizer.check(
            Requests.request(
                "DELETE", "shop.example.com", "/orders/7", Optional.empty(), "x-api-key", "foo"));
    Decision fooCart =
        authorizer.check(Requests.get("shop.example.com", "/carts/12", "x-api-key", "foo"));
    Decision noMatch =
        authorizer.check(Requests.get("shop.example.com", "/carts/abc", "x-api-key", "foo"));

    assertThat(policies).singleElement().extracting(AuthPolicy::name).isEqualTo("shop/orders");
    assertThat(opsDelete.allowed()).isTrue();
    assertThat(opsDelete.upstreamHeaders())
        .containsExactly(new Decision.Header("x-user", "ops", true));
    assertThat(opsDelete.headersToRemove()).containsExactly("x-api-key");
    assertThat(fooDelete.reason()).isEqualTo(ReasonCode.RULE_DENIED);
    assertThat(fooDelete.rule()).contains("no-other-deletes");
    assertThat(fooCart.allowed()).isTrue();
    assertThat(noMatch.reason()).isEqualTo(ReasonCode.NO_POLICY);
  }

  @Test
  void aRuleThatDoesNotCompileIsRejectedWithItsExpressionAndError() {
    String bad = ORDERS.replace("when: \"true\"", "when: \"identity.principal = 'x'\"");

    assertThatThrownBy(() -> parser.parse("policies/orders.yaml", bad))
        .isInstanceOfSatisfying(
            PolicyException.class,
            e ->
                assertThat(e.errors())
                    .singleElement()
                    .satisfies(
                        error -> {
                          assertThat(error.source()).isEqualTo("policies/orders.yaml");
                          assertThat(error.path()).isEqualTo("spec.rules[2].when");
                          assertThat(error.message()).contains("identity.principal = 'x'");
                        }));
  }

  @Test
  void everyMistakeIsReportedWithItsField() {
    String broken =
        """
        kind: AuthPolicy
        metadata: {name: broken}
        spec:
          match:
            paths: [{regex: "(unclosed"}, {prefix: /a, exact: /b}]
            hots: [typo.example.com]
          identity:
            - password: {}
            - apiKey: {keys: [{key: k}]}
          rules:
            - {name: r, action: maybe, when: "true"}
          response:
            headers: {x-user: "{identity.nope}"}
        """;

    assertThatThrownBy(() -> parser.parse("p.yaml", broken))
        .isInstanceOfSatisfying(
            PolicyException.class,
            e ->
                assertThat(e.errors())
                    .extracting(PolicyError::path)
                    .containsExactlyInAnyOrder(
                        "spec.match.hots",
                        "spec.match.paths[0].regex",
                        "spec.match.paths[1]",
                        "spec.identity[0]",
                        "spec.identity[0].password",
                        "spec.identity[1].apiKey.keys[0].principal",
                        "spec.rules[0].action",
                        "spec.response.headers.x-user"));
  }

  @Test
  void anEmptyIdentityListIsAnError() {
    assertThatThrownBy(() -> parser.parse("p.yaml", "metadata: {name: x}\nspec: {identity: []}\n"))
        .hasMessageContaining("spec.identity: lists at least one method");
  }

  @Test
  void severalPoliciesPerFileAreLoadedInOrder() throws Exception {
    String two =
        "metadata: {name: a}\nspec: {identity: [{anonymous: {}}]}\n---\nmetadata: {name: b}\nspec: {identity: [{anonymous: {}}]}\n";

    assertThat(parser.parse("p.yaml", two)).extracting(AuthPolicy::name).containsExactly("a", "b");
  }

  private static final String TARGETED =
      """
      kind: AuthPolicy
      metadata: {name: store-auth, namespace: shop}
      spec:
        targetRefs:
          - {group: gateway.networking.k8s.io, kind: HTTPRoute, name: store}
        identity: [{anonymous: {}}]
      """;

  private static io.attache.authz.core.CheckInput withExtensions(
      java.util.Map<String, String> extensions) {
    io.attache.authz.core.CheckInput plain = Requests.get("shop.example.com", "/");
    return new io.attache.authz.core.CheckInput(plain.request(), plain.source(), extensions);
  }

  @Test
  void aTargetedPolicyAnswersOnlyForItsRoutes() throws Exception {
    List<AuthPolicy> policies = parser.parse("policies/store.yaml", TARGETED);
    Authorizer authorizer = new Authorizer(() -> policies, false);

    Decision store =
        authorizer.check(withExtensions(java.util.Map.of(RequestMatch.ROUTE_KEY, "shop/store")));
    Decision other =
        authorizer.check(withExtensions(java.util.Map.of(RequestMatch.ROUTE_KEY, "shop/other")));
    Decision none = authorizer.check(withExtensions(java.util.Map.of()));

    assertThat(store.allowed()).isTrue();
    assertThat(other.allowed()).isFalse();
    assertThat(none.allowed()).isFalse();
  }

  /** The control plane serves a Mapping as the route mapping-<name> and names it so. */
  @Test
  void aPolicyTargetingAnEmissaryMappingAnswersForTheRouteItIsServedAs() throws Exception {
    List<AuthPolicy> policies =
        parser.parse(
            "policies/store.yaml",
            TARGETED.replace(
                "{group: gateway.networking.k8s.io, kind: HTTPRoute, name: store}",
                "{group: getambassador.io, kind: Mapping, name: store}"));
    Authorizer authorizer = new Authorizer(() -> policies, false);

    assertThat(
            authorizer
                .check(
                    withExtensions(java.util.Map.of(RequestMatch.ROUTE_KEY, "shop/mapping-store")))
                .allowed())
        .isTrue();
    assertThat(
            authorizer
                .check(withExtensions(java.util.Map.of(RequestMatch.ROUTE_KEY, "shop/store")))
                .allowed())
        .isFalse();
  }

  @Test
  void aTargetMustBeAnHttpRouteOrAGateway() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    "policies/store.yaml", TARGETED.replace("kind: HTTPRoute", "kind: Service")))
        .hasMessageContaining(
            "spec.targetRefs[0].kind: must be an HTTPRoute or a Gateway of group"
                + " gateway.networking.k8s.io, or a Mapping of group getambassador.io, was Service");
  }

  @Test
  void aFileIsRefusedWhatKubectlWouldRefuseInTheSameWords() {
    String typo =
        """
        metadata: {name: typo}
        spec:
          match: {hots: [shop.example.com], methods: GET}
          identity: [{anonymous: {}, mtls: {allowed: []}}]
        """;

    assertThatThrownBy(() -> parser.parse("p.yaml", typo))
        .isInstanceOfSatisfying(
            PolicyException.class,
            e ->
                assertThat(e.errors())
                    .extracting(PolicyError::toString)
                    .containsExactlyInAnyOrder(
                        "p.yaml: spec.match.hots: unknown field (expected one of hosts, methods,"
                            + " paths, routes)",
                        "p.yaml: spec.match.methods: must be a list",
                        "p.yaml: spec.identity[0]: must have exactly one of jwt, apiKey, mtls,"
                            + " anonymous, basicAuth, introspection, serviceAccount, oidc",
                        "p.yaml: spec.identity[0].mtls.allowed: lists at least one identity or"
                            + " pattern"));
  }

  @Test
  void numbersAndBooleansWhereTextIsExpectedAreReadAsText() throws Exception {
    String unquoted =
        """
        metadata: {name: unquoted}
        spec:
          identity: [{apiKey: {keys: [{key: 12345, principal: 7, metadata: {tier: 2}}]}}]
          response: {headers: {x-tier: "{identity.metadata.tier}", x-version: 2}}
        """;

    assertThat(parser.parse("p.yaml", unquoted))
        .extracting(AuthPolicy::name)
        .containsExactly("unquoted");
  }

  /**
   * Empty values ({@code null}, or nothing after the colon), odd keys and numbers, self-reference:
   * each refused with the parser's own error, never read as a default nor thrown as anything else.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "{targetRefs: [null], identity: [{anonymous: {}}]}",
        "{match: {methods: [null], hosts: [null]}, identity: [{anonymous: {}}]}",
        "{identity: [{mtls: {allowed: [null]}}]}",
        "{identity: [{apiKey: {keys: [{key: k, principal: p, metadata: {a: null}}]}}]}",
        "{identity: [{anonymous: {}}], response: {removeHeaders: [null]}}",
        "{identity: [{anonymous: {}}], deny: {headers: {x: null}}}",
        "{identity: [{jwt: {issuers: [null], jwks: '{}'}}]}",
        "{identity: [{anonymous: }]}",
        "{identity: [null]}",
        "{identity: [{anonymous: {}}], rules: [{name: r, when: }]}",
        "{identity: [{jwt: {issuers: [i], jwks: '{}', maxTokenBytes: 3000000000}}]}",
        "{identity: [{anonymous: {}}], deny: {headers: {null: x}}}",
        "{identity: [{anonymous: {}}], deny: {headers: {1: x}}}",
        "&s {identity: [{anonymous: {}}], match: *s}",
        "{identity: [{apiKey: {keys: [{sha256: 1e5, principal: p}]}}]}",
        "{identity: [{apiKey: {keys: [{key: k, principal: ''}]}}]}",
        "{identity: [{anonymous: {}}], rules: [{name: ''}]}"
      })
  void hostileSpecsAreRefusedWithTheParsersError(String spec) {
    assertThatThrownBy(() -> parser.parse("p.yaml", "metadata: {name: x}\nspec: " + spec + "\n"))
        .isInstanceOf(PolicyException.class);
  }
}
