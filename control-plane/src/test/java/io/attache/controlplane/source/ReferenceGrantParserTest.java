package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ReferenceGrantState;
import io.attache.runtime.WatchedDirectory;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ReferenceGrants read from YAML: both served versions, and each schema rule named when broken. */
class ReferenceGrantParserTest {
  private final ResourceParser parser = new ResourceParser();

  private ParseResult parse(String content) {
    return parser.parse(List.of(new WatchedDirectory.File("grants.yaml", content)));
  }

  private static String grant(String version, String spec) {
    return """
        apiVersion: gateway.networking.k8s.io/%s
        kind: ReferenceGrant
        metadata: {name: allow-shop, namespace: backends}
        spec:
        %s
        """
        .formatted(version, spec.indent(2));
  }

  private List<String> errors(String content) {
    return ((ParseResult.Invalid) parse(content))
        .errors().stream().map(ResourceError::toString).toList();
  }

  @Test
  void v1beta1AndV1AreReadAlike() {
    String spec =
        """
        from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: shop}]
        to: [{group: "", kind: Service, name: web}, {group: "", kind: Secret}]
        """;
    ReferenceGrantState expected =
        new ReferenceGrantState(
            "backends",
            "allow-shop",
            List.of(new ReferenceGrantState.From("gateway.networking.k8s.io", "HTTPRoute", "shop")),
            List.of(
                new ReferenceGrantState.To("", "Service", Optional.of("web")),
                new ReferenceGrantState.To("", "Secret", Optional.empty())));

    for (String version : List.of("v1beta1", "v1")) {
      ParseResult result = parse(grant(version, spec));
      assertThat(result).isInstanceOf(ParseResult.Parsed.class);
      assertThat(((ParseResult.Parsed) result).state().referenceGrants()).containsExactly(expected);
    }
  }

  @Test
  void everyBrokenRuleOfTheSchemaIsNamed() {
    assertThat(
            errors(
                grant(
                    "v1beta1",
                    """
                    from:
                      - {group: "Not A Group", kind: HTTPRoute}
                      - {group: gateway.networking.k8s.io, kind: "9lives", namespace: shop}
                    to: []
                    """)))
        .anySatisfy(e -> assertThat(e).contains("spec.from[0].group").contains("Not A Group"))
        .anySatisfy(e -> assertThat(e).contains("spec.from[0].namespace: required"))
        .anySatisfy(e -> assertThat(e).contains("spec.from[1].kind").contains("9lives"))
        .anySatisfy(e -> assertThat(e).contains("spec.to: required: at least one entry"));
  }

  @Test
  void aGrantWithTwoVersionsOfOneNameIsDefinedTwice() {
    String spec =
        """
        from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: shop}]
        to: [{group: "", kind: Service}]
        """;

    assertThat(errors(grant("v1beta1", spec) + "---\n" + grant("v1", spec)))
        .singleElement()
        .satisfies(e -> assertThat(e).contains("defined twice"));
  }
}
