package io.attache.authz.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.attache.authz.app.JwtPolicyFactory;
import io.attache.authz.rules.CelConditions;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for AuthPolicy YAML: any text is either policies or a {@link PolicyException} that
 * lists at least one error, each naming a reason. JWT identities are checked as offline validation
 * checks them: remote key sets are never fetched.
 */
class PolicyParserFuzzTest {
  private static final PolicyParser PARSER =
      new PolicyParser(JwtPolicyFactory.offline(), new CelConditions(), "secret".getBytes());

  @FuzzTest
  void parsesOrListsItsErrors(byte[] input) {
    String yaml = new String(input, StandardCharsets.UTF_8);
    try {
      PARSER.parse("policies/fuzzed.yaml", yaml);
    } catch (PolicyException e) {
      assertThat(e.errors()).isNotEmpty();
      assertThat(e.errors()).allSatisfy(error -> assertThat(error.toString()).isNotBlank());
    }
  }
}
