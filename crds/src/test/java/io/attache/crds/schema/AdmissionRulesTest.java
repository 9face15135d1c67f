package io.attache.crds.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generated CRDs' rules applied to documents as files give them: the same checks the API server
 * makes at admission ({@code CrdSchemasTest} holds the examples to an independent JSON Schema
 * validator), with the parser's path style and words.
 */
class AdmissionRulesTest {
  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final AdmissionRules AUTH = AdmissionRules.forCrd("authpolicies.attache.io");
  private static final AdmissionRules TRAFFIC = AdmissionRules.forCrd("trafficpolicies.attache.io");

  private static List<String> auth(String spec) {
    return shown(AUTH.check("spec", YAML.unmarshal(spec, Map.class)));
  }

  private static List<String> shown(List<FieldProblem> problems) {
    return problems.stream().map(FieldProblem::toString).toList();
  }

  @Test
  void aValidPolicyHasNoProblems() {
    assertThat(
            auth(
                """
                targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: store}]
                match: {hosts: [shop.example.com], paths: [{prefix: /orders}], methods: [GET]}
                identity:
                  - jwt: {issuers: [https://idp], jwksUrl: https://idp/jwks, maxTokenBytes: 4096}
                  - apiKey: {keys: [{key: k, principal: p, metadata: {tier: 2}}]}
                  - anonymous: {}
                rules: [{name: r, action: Deny, when: "true"}]
                deny: {realm: shop}
                """))
        .isEmpty();
  }

  @Test
  void anUnknownFieldNamesTheFieldsThereAre() {
    assertThat(auth("match: {hots: [a]}\nidentity: [{anonymous: {}}]"))
        .containsExactly(
            "spec.match.hots: unknown field (expected one of hosts, methods, paths, routes)");
  }

  @Test
  void aValueOfTheWrongShapeSaysWhatWasExpected() {
    assertThat(
            auth(
                """
                match: {hosts: shop.example.com}
                identity: [{jwt: {issuers: [i], jwksUrl: u, maxTokenBytes: lots}}]
                response: {headers: {x-a: {nested: 1}}}
                """))
        .containsExactlyInAnyOrder(
            "spec.match.hosts: must be a list",
            "spec.identity[0].jwt.maxTokenBytes: must be an integer",
            "spec.response.headers.x-a: must be a string");
  }

  @Test
  void requiredFieldsAndBoundsAreChecked() {
    assertThat(
            auth(
                """
                identity:
                  - apiKey: {keys: [{sha256: abc}]}
                  - jwt: {jwksUrl: u, maxTokenBytes: 0}
                """))
        .containsExactlyInAnyOrder(
            "spec.identity[0].apiKey.keys[0].principal: is required",
            "spec.identity[0].apiKey.keys[0].sha256: must match ^[0-9a-fA-F]{64}$",
            "spec.identity[1].jwt.issuers: is required",
            "spec.identity[1].jwt.maxTokenBytes: must be at least 1");
  }

  @Test
  void celRulesReportTheirMessageWhereTheirFieldPathPoints() {
    assertThat(
            auth(
                """
                targetRefs: [{group: "", kind: Service, name: web}]
                identity: []
                rules: [{name: r, action: maybe}]
                """))
        .containsExactlyInAnyOrder(
            "spec.targetRefs[0].kind: must be an HTTPRoute or a Gateway of group"
                + " gateway.networking.k8s.io, or a Mapping of group getambassador.io, was Service"
                + " in group ''",
            "spec.identity: lists at least one method: jwt, apiKey, mtls, anonymous, basicAuth, introspection, serviceAccount or oidc",
            "spec.rules[0].action: must be allow or deny, got 'maybe'");
  }

  @Test
  void theOtherPoliciesRulesApplyToo() {
    assertThat(
            shown(
                TRAFFIC.check(
                    "spec",
                    YAML.unmarshal(
                        "targetRefs: [{group: \"\", kind: Service, name: web}]\n"
                            + "loadBalancer: {type: RingHash}\nconnectTimeout: 2 seconds",
                        Map.class))))
        .containsExactlyInAnyOrder(
            "spec.loadBalancer: hashOn is required with RingHash and Maglev, and only applies to"
                + " them",
            "spec.connectTimeout: must match ^([0-9]{1,5}(h|m|s|ms)){1,4}$");
  }

  @Test
  void anEmptyValueIsNeverTakenForTheDefault() {
    assertThat(
            auth(
                """
                match: {methods: [null]}
                identity: [{anonymous: }, null]
                rules: [{name: r, when: }]
                """))
        .containsExactlyInAnyOrder(
            "spec.match.methods[0]: must be a string",
            "spec.identity[0].anonymous: must be a mapping",
            "spec.identity[1]: must be a mapping",
            "spec.rules[0].when: must be a string");
  }

  @Test
  void oddKeysNumbersAndSelfReferenceAreNamed() {
    Map<String, Object> numberKey = new java.util.HashMap<>();
    numberKey.put("identity", List.of(Map.of("anonymous", Map.of())));
    numberKey.put("deny", Map.of("headers", Map.of(1, "x")));
    assertThat(shown(AUTH.check("spec", numberKey)))
        .containsExactly("spec.deny.headers: keys must be strings, got 1");
    assertThat(auth("identity: [{jwt: {issuers: [i], jwks: '{}', maxTokenBytes: 3000000000}}]"))
        .containsExactly(
            "spec.identity[0].jwt.maxTokenBytes: must be a 32-bit integer (at most 2147483647)");
    assertThat(auth("identity: [{apiKey: {keys: [{sha256: 1e5, principal: p}]}}]"))
        .containsExactly("spec.identity[0].apiKey.keys[0].sha256: must match ^[0-9a-fA-F]{64}$");
    Map<String, Object> loop = new java.util.HashMap<>();
    loop.put("identity", List.of(Map.of("anonymous", Map.of())));
    loop.put("match", loop);
    assertThat(shown(AUTH.check("spec", loop))).singleElement().asString().contains("levels deep");
  }
}
