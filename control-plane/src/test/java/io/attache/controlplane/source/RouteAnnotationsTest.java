package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A route with any one annotation that does not read is refused, never served without it. */
class RouteAnnotationsTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "attache.io/ext-authz: 'off'",
        "attache.io/precedence: high",
        "attache.io/method-regex: '(?=GET)'",
        "attache.io/authority-regex: '(?!a)'",
        "attache.io/case-sensitive: 'no'",
        "attache.io/path-prefix: exact",
        "attache.io/idle-timeout: soon",
        "attache.io/backend-tls: 'web:8080'",
        "attache.io/backend-tls: 'shop/web:8080,'",
        // names no backend of the route
        "attache.io/backend-tls: 'shop/web:8443'"
      })
  void aBadAnnotationRefusesTheRoute(String annotation) {
    HTTPRoute route =
        Serialization.unmarshal(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: store
              namespace: shop
              annotations: {%s}
            spec:
              parentRefs: [{name: edge}]
              rules: [{backendRefs: [{name: web, port: 8080}]}]
            """
                .formatted(annotation),
            HTTPRoute.class);
    List<ResourceError> errors = new ArrayList<>();

    assertThat(
            HttpRouteConverter.convert(
                route, DocumentErrors.forObject("HTTPRoute", "shop/store", errors)))
        .isEmpty();
    assertThat(errors)
        .singleElement()
        .satisfies(
            error ->
                assertThat(error.toString())
                    .contains("metadata.annotations[" + annotation.split(":")[0] + "]"));
  }
}
