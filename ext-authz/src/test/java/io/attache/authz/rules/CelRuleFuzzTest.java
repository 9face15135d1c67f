package io.attache.authz.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Fuzz target for rule expressions: any text compiles or is refused with a {@link
 * RuleCompileException} whose message says why; a compiled rule's evaluation never throws
 * (CelRule's contract).
 */
class CelRuleFuzzTest {
  private static final RuleContext CONTEXT =
      new RuleContext(
          Requests.request("GET", "/api/orders", Map.of("x-tenant", "a")),
          Requests.jwt("alice", Map.of("scope", "orders:read", "groups", List.of("ops"))));

  @FuzzTest
  void compilesOrSaysWhy(byte[] input) {
    String expression = new String(input, StandardCharsets.UTF_8);
    CelRule rule;
    try {
      rule = CelRule.compile("fuzzed", expression);
    } catch (RuleCompileException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    rule.evaluate(CONTEXT);
  }
}
