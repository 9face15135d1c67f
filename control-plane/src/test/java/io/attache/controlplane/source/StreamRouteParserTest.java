package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.RouteKind;
import io.attache.runtime.WatchedDirectory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TLSRoutes and TCPRoutes read from YAML, and the rules of their CRDs (gateway-api
 * apis/v1/tlsroute_types.go, tcproute_types.go) named when broken.
 */
class StreamRouteParserTest {
  private final ResourceParser parser = new ResourceParser();

  private ParseResult parse(String content) {
    return parser.parse(List.of(new WatchedDirectory.File("routes.yaml", content)));
  }

  private List<String> errors(String content) {
    return ((ParseResult.Invalid) parse(content))
        .errors().stream().map(ResourceError::toString).toList();
  }

  @Test
  void bothKindsAreReadAsOneRuleOfBackends() {
    ParseResult result =
        parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: TLSRoute
            metadata: {name: db, namespace: shop}
            spec:
              parentRefs: [{name: edge}]
              hostnames: [db.example.com]
              rules: [{backendRefs: [{name: db, port: 5432}]}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: TCPRoute
            metadata: {name: db, namespace: shop}
            spec:
              parentRefs: [{name: edge, sectionName: tcp}]
              rules: [{backendRefs: [{name: db, port: 5432, weight: 3}]}]
            """);

    assertThat(result).isInstanceOf(ParseResult.Parsed.class);
    List<HttpRouteState> routes = ((ParseResult.Parsed) result).state().httpRoutes();
    assertThat(routes)
        .extracting(r -> r.key() + " " + r.hostnames() + " " + r.rules().get(0).backends())
        .containsExactlyInAnyOrder(
            "TLSRoute:shop/db [db.example.com] [shop/db:5432]",
            "TCPRoute:shop/db [] [shop/db:5432]");
    assertThat(routes).extracting(HttpRouteState::kind).contains(RouteKind.TLS, RouteKind.TCP);
  }

  @Test
  void theCrdsRulesAreNamed() {
    assertThat(
            errors(
                """
                apiVersion: gateway.networking.k8s.io/v1
                kind: TLSRoute
                metadata: {name: db, namespace: shop}
                spec:
                  parentRefs: [{name: edge}]
                  rules: [{backendRefs: []}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: TCPRoute
                metadata: {name: db, namespace: shop}
                spec:
                  parentRefs: [{name: edge}]
                  rules:
                  - backendRefs: [{name: a, port: 1}]
                  - backendRefs: [{name: b, port: 1}]
                """))
        .containsExactlyInAnyOrder(
            "routes.yaml (document 1) spec.hostnames: must have 1 to 1024 SNI hostnames, was 0",
            "routes.yaml (document 1) spec.rules[0].backendRefs: must have 1 to 16 items, was 0",
            "routes.yaml (document 2) spec.rules: must have exactly one rule, was 2");
  }
}
