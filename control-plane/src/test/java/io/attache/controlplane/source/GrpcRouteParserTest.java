package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.HttpRouteState.GrpcMethod;
import io.attache.controlplane.model.HttpRouteState.PathMatch;
import io.attache.controlplane.model.RouteKind;
import io.attache.runtime.WatchedDirectory;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * GRPCRoutes read from YAML: method matches become the path matches they mean, and each rule of the
 * CRD's schema and CEL validations (gateway-api apis/v1/grpcroute_types.go) is named when broken.
 */
class GrpcRouteParserTest {
  private final ResourceParser parser = new ResourceParser();

  private ParseResult parse(String content) {
    return parser.parse(List.of(new WatchedDirectory.File("routes.yaml", content)));
  }

  private static String route(String rules) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: echo, namespace: shop}
        spec:
          parentRefs: [{name: edge}]
          rules:
        %s
        """
        .formatted(rules.indent(4));
  }

  private HttpRouteState parsed(String content) {
    ParseResult result = parse(content);
    assertThat(result).isInstanceOf(ParseResult.Parsed.class);
    return ((ParseResult.Parsed) result).state().httpRoutes().get(0);
  }

  private List<String> errors(String content) {
    return ((ParseResult.Invalid) parse(content))
        .errors().stream().map(ResourceError::toString).toList();
  }

  @Test
  void methodMatchesBecomePathMatches() {
    HttpRouteState route =
        parsed(
            route(
                """
                - matches:
                  - method: {service: echo.v1.Echo, method: Say}
                  - method: {service: echo.v1.Echo}
                  - method: {method: Say}
                  - method: {type: RegularExpression, service: "echo\\\\.v[0-9]+\\\\.Echo"}
                  - headers: [{name: Tenant, value: acme}]
                  backendRefs: [{name: echo, port: 9000}]
                """));

    assertThat(route.kind()).isEqualTo(RouteKind.GRPC);
    assertThat(route.key()).isEqualTo("GRPCRoute:shop/echo");
    assertThat(route.rules().get(0).matches())
        .extracting(m -> m.path().type() + " " + m.path().value())
        .containsExactly(
            "EXACT /echo.v1.Echo/Say",
            "REGULAR_EXPRESSION /echo\\.v1\\.Echo/[^/]+",
            "REGULAR_EXPRESSION /[^/]+/Say",
            "REGULAR_EXPRESSION /echo\\.v[0-9]+\\.Echo/[^/]+",
            "PREFIX /");
    assertThat(route.rules().get(0).matches().get(1).grpc())
        .contains(new GrpcMethod(Optional.of("echo.v1.Echo"), Optional.empty(), false));
    assertThat(route.rules().get(0).matches().get(4).headers())
        .extracting(h -> h.name() + "=" + h.value())
        .containsExactly("tenant=acme");
    assertThat(route.rules().get(0).matches().get(4).path())
        .isEqualTo(new PathMatch(PathMatch.Type.PREFIX, "/"));
  }

  @Test
  void aRouteWithoutRulesRoutesNothing() {
    HttpRouteState route =
        parsed(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: echo, namespace: shop}
            spec: {parentRefs: [{name: edge}]}
            """);

    assertThat(route.rules()).isEmpty();
  }

  @Test
  void everyBrokenRuleIsNamed() {
    assertThat(
            errors(
                route(
                    """
                    - matches:
                      - method: {service: "not a service", method: Say}
                      - method: {service: echo.Echo, method: "Say!"}
                      - method: {type: Exact}
                      - method: {type: Prefix, service: echo.Echo}
                      - method: {type: RegularExpression, method: "(?=Say)"}
                      filters:
                      - {type: ExtensionRef, extensionRef: {group: x.io, kind: Thing, name: t}}
                      - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: a, value: b}]}}
                      - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: c, value: d}]}}
                      backendRefs:
                      - {name: echo, port: 9000, filters: [{type: RequestHeaderModifier}]}
                      - {name: echo}
                    """)))
        .containsExactlyInAnyOrder(
            "routes.yaml (document 1) spec.rules[0].matches[0].method.service: service must only contain"
                + " valid characters (matching ^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$),"
                + " was 'not a service'",
            "routes.yaml (document 1) spec.rules[0].matches[1].method.method: method must only contain"
                + " valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$), was 'Say!'",
            "routes.yaml (document 1) spec.rules[0].matches[2].method: One or both of 'service' or"
                + " 'method' must be specified",
            "routes.yaml (document 1) spec.rules[0].matches[3].method.type: must be Exact or"
                + " RegularExpression, was 'Prefix'",
            "routes.yaml (document 1) spec.rules[0].matches[4].method.method: look-around and"
                + " back-references are not RE2 syntax, which Envoy uses",
            "routes.yaml (document 1) spec.rules[0].filters[0].type: must be RequestHeaderModifier,"
                + " ResponseHeaderModifier or RequestMirror (ExtensionRef is not supported), was"
                + " 'ExtensionRef'",
            "routes.yaml (document 1) spec.rules[0].filters[2].type: RequestHeaderModifier filter cannot"
                + " be repeated",
            "routes.yaml (document 1) spec.rules[0].backendRefs[0].filters: filters on a backendRef are"
                + " not supported; put them on the rule",
            "routes.yaml (document 1) spec.rules[0].backendRefs[1].port: required for a Service, between"
                + " 1 and 65535, was null");
  }

  @Test
  void moreThanSixteenRulesAreRefused() {
    String rules = "- backendRefs: [{name: echo, port: 9000}]\n".repeat(17);

    assertThat(errors(route(rules)))
        .containsExactly("routes.yaml (document 1) spec.rules: must have at most 16 items");
  }
}
