package io.attache.authz.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.core.RequestReads;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What of {@code request} a rule reads, found in its syntax tree. */
class CelReadsTest {
  private static RequestReads reads(String expression) throws RuleCompileException {
    return CelRule.compile("r", expression).reads();
  }

  @Test
  void fieldsNamedHeadersAndExtensionsAreListed() throws Exception {
    RequestReads reads =
        reads(
            "request.path.startsWith('/a') && request.headers['X-Tenant'] == 't'"
                + " && has(request.headers.debug) && request.context_extensions['route'] == 'r'"
                + " && request.source_principal != ''");

    assertThat(reads.fields())
        .containsExactlyInAnyOrder(RequestReads.Field.PATH, RequestReads.Field.SOURCE_PRINCIPAL);
    assertThat(reads.headers()).containsExactlyInAnyOrder("x-tenant", "debug");
    assertThat(reads.contextExtensions()).containsExactly("route");
    assertThat(reads.keyable()).isTrue();
  }

  @Test
  void aRuleOnTheIdentityAloneReadsNothingOfTheRequest() throws Exception {
    assertThat(reads("'admin' in identity.claims.roles")).isEqualTo(RequestReads.NOTHING);
  }

  @Test
  void aMapReadWholeOrAnEntryNamedAtRunTimeCannotBeKeyed() throws Exception {
    for (String expression :
        List.of(
            "'x' in request.headers",
            "request.headers.exists(k, k.startsWith('x-'))",
            "request.headers[identity.claims.header] == 'y'",
            "size(request) > 0")) {
      assertThat(reads(expression).keyable()).as(expression).isFalse();
    }
    assertThat(reads("'x' in request.headers").unkeyable())
        .containsExactly(
            "rule 'r' reads request.headers as a whole; name what it needs (request.path,"
                + " request.headers['x-tenant'])");
  }
}
