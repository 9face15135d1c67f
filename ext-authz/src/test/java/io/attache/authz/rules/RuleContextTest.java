package io.attache.authz.rules;

import static io.attache.authz.rules.Requests.get;
import static io.attache.authz.rules.Requests.jwt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.values.NullValue;
import io.attache.authz.core.CheckInput;
import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.Identity;
import io.attache.authz.core.PeerAttributes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleContextTest {

  @Test
  void requestCarriesEveryDocumentedField() {
    CheckInput input =
        new CheckInput(
            new HttpAttributes(
                "PUT",
                "api.example.com",
                "/v1/items",
                "a=1",
                Map.of("x-tenant", "acme"),
                "https",
                Optional.empty()),
            new PeerAttributes("10.0.0.1:443", Optional.of("spiffe://cluster/ns/a/sa/b")),
            Map.of("mapping", "items"));

    Object request = new RuleContext(input, Identity.anonymous()).variables().get("request");

    assertThat(request)
        .isEqualTo(
            Map.of(
                "method", "PUT",
                "host", "api.example.com",
                "path", "/v1/items",
                "query", "a=1",
                "headers", Map.of("x-tenant", "acme"),
                "scheme", "https",
                "source_address", "10.0.0.1:443",
                "source_principal", "spiffe://cluster/ns/a/sa/b",
                "context_extensions", Map.of("mapping", "items")));
  }

  @Test
  void identityCarriesEveryDocumentedField() {
    Identity identity =
        new Identity(
            "ci-bot", "api_key", Map.of(), Map.of("tier", "gold"), Optional.of("fingerprint"));

    Object caller = new RuleContext(get("/"), identity).variables().get("identity");

    assertThat(caller)
        .isEqualTo(
            Map.of(
                "principal",
                "ci-bot",
                "method",
                "api_key",
                "claims",
                Map.of(),
                "metadata",
                Map.of("tier", "gold")));
  }

  @Test
  void claimsAlreadyInCelFormAreNotCopied() {
    Map<String, Object> claims =
        Map.of("sub", "a", "exp", 1_700_000_000L, "admin", true, "groups", List.of("x", "y"));
    Identity identity = jwt("a", claims);

    Object converted = identityClaims(new RuleContext(get("/"), identity));

    assertThat(converted).isSameAs(identity.claims());
  }

  @Test
  void javaNumbersBecomeCelIntsAndDoubles() {
    assertThat(RuleContext.celValue(7)).isEqualTo(7L);
    assertThat(RuleContext.celValue((short) 7)).isEqualTo(7L);
    assertThat(RuleContext.celValue(1.5f)).isEqualTo(1.5d);
    assertThat(RuleContext.celValue(new BigInteger("12"))).isEqualTo(12L);
    assertThat(RuleContext.celValue(new BigInteger("123456789012345678901234567890")))
        .isEqualTo(1.2345678901234568e29);
    assertThat(RuleContext.celValue(new BigDecimal("42"))).isEqualTo(42L);
    assertThat(RuleContext.celValue(new BigDecimal("4.25"))).isEqualTo(4.25d);
  }

  @Test
  void timesBecomeSecondsSinceTheEpoch() {
    assertThat(RuleContext.celValue(new Date(1_700_000_000_123L))).isEqualTo(1_700_000_000L);
    assertThat(RuleContext.celValue(Instant.ofEpochSecond(1_700_000_000L)))
        .isEqualTo(1_700_000_000L);
  }

  @Test
  void nestedValuesAreConvertedAndNullBecomesCelNull() {
    Map<String, Object> claims =
        Map.of("a", "keep", "b", List.of(1, "two"), "c", Map.of(3, Arrays.asList(null, 4.0)));

    Object converted = RuleContext.celValue(claims);

    assertThat(converted)
        .isEqualTo(
            Map.of(
                "a",
                "keep",
                "b",
                List.of(1L, "two"),
                "c",
                Map.of("3", List.of(NullValue.NULL_VALUE, 4.0))));
  }

  @Test
  void setsBecomeListsAndOtherValuesTheirText() {
    assertThat(RuleContext.celValue(Set.of("only"))).isEqualTo(List.of("only"));
    assertThat(RuleContext.celValue(java.net.URI.create("https://issuer.example")))
        .isEqualTo("https://issuer.example");
  }

  private static Object identityClaims(RuleContext context) {
    return ((Map<?, ?>) context.variables().get("identity")).get("claims");
  }
}
