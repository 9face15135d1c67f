package io.attache.authz.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.authz.policy.PolicyError;
import io.attache.authz.policy.PolicyException;
import io.attache.authz.policy.PolicyParser;
import io.attache.authz.rules.CelConditions;
import org.junit.jupiter.api.Test;

/** The JWT block's fields as a policy file writes them, checked without fetching any key. */
class JwtPolicyFactoryTest {
  private static final String POLICY =
      """
      metadata: {name: tokens}
      spec:
        identity:
          - jwt:
              issuers: [https://idp.example.com]
              jwksUrl: %s
              requiredType: at+jwt
      %s""";

  private static void parse(String url, String extra) throws PolicyException {
    try (JwtPolicyFactory jwt = JwtPolicyFactory.offline()) {
      new PolicyParser(jwt, new CelConditions(), new byte[32])
          .parse("p.yaml", POLICY.formatted(url, extra));
    }
  }

  @Test
  void anHttpKeyUrlIsAnErrorNamingTheFieldUnlessThePolicyAllowsIt() throws Exception {
    assertThatThrownBy(() -> parse("http://idp.internal/keys", ""))
        .isInstanceOfSatisfying(
            PolicyException.class,
            e ->
                assertThat(e.errors())
                    .extracting(PolicyError::toString)
                    .singleElement()
                    .asString()
                    .startsWith("p.yaml: spec.identity[0].jwt: http://idp.internal/keys is http://")
                    .contains("allowHttp: true"));

    parse("http://idp.internal/keys", "        allowHttp: true\n");
    parse("https://idp.example.com/keys", "");
  }
}
