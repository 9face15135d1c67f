package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.source.ParseResult;
import io.attache.controlplane.source.ResourceParser;
import io.attache.runtime.WatchedDirectory;
import java.util.List;

/**
 * The cluster the change-translation tests edit: two Services, three Gateways (one with two ports),
 * routes on Gateways and on a Service, an AuthPolicy on one route and a TrafficPolicy on another.
 * With proxyless hosts on, one route's hostname on port 80 is a Service's API listener name ({@code
 * api.shop:80}), and one hostname is served by two Gateways on port 9000.
 */
final class ChangeFixture {
  static final String CLUSTER =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec: {ports: [{name: http, port: 8080}, {name: admin, port: 9090}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: api, namespace: shop}
      spec: {ports: [{port: 80}]}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: shop}
      spec:
        gatewayClassName: attache
        listeners:
          - {name: web, port: 8000, protocol: HTTP}
          - {name: shop, port: 8001, protocol: HTTP, hostname: "*.shop.example.com"}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: side, namespace: shop}
      spec:
        gatewayClassName: attache
        listeners: [{name: web, port: 9000, protocol: HTTP}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: store, namespace: shop, creationTimestamp: "2026-01-01T00:00:00Z"}
      spec:
        parentRefs: [{name: edge}, {group: "", kind: Service, name: web, port: 8080}]
        hostnames: [store.example.com, a.shop.example.com]
        rules: [{backendRefs: [{name: web, port: 8080, weight: 90}, {name: api, port: 80, weight: 10}]}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: api, namespace: shop, creationTimestamp: "2026-01-02T00:00:00Z"}
      spec:
        parentRefs: [{name: side}]
        rules: [{matches: [{path: {type: PathPrefix, value: /api}}], backendRefs: [{name: api, port: 80}]}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: admin, namespace: shop, creationTimestamp: "2026-01-03T00:00:00Z"}
      spec:
        parentRefs: [{name: edge, sectionName: web}]
        hostnames: [store.example.com]
        rules: [{matches: [{path: {type: PathPrefix, value: /admin}}], backendRefs: [{name: web, port: 9090}]}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: plain, namespace: shop}
      spec:
        gatewayClassName: attache
        listeners: [{name: web, port: 80, protocol: HTTP}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: like-a-service, namespace: shop, creationTimestamp: "2026-01-04T00:00:00Z"}
      spec:
        parentRefs: [{name: plain}, {name: side}]
        hostnames: [api.shop, h1.shop.example.com]
        rules: [{backendRefs: [{name: web, port: 8080}]}]
      ---
      apiVersion: attache.io/v1alpha1
      kind: AuthPolicy
      metadata: {name: store-auth, namespace: shop}
      spec:
        targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: store}]
        identity: [{anonymous: {}}]
      ---
      apiVersion: attache.io/v1alpha1
      kind: TrafficPolicy
      metadata: {name: api-retry, namespace: shop, creationTimestamp: "2026-01-01T00:00:00Z"}
      spec:
        targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: api}]
        retry: {numRetries: 3}
      """;

  private ChangeFixture() {}

  static ClusterState parse(String yaml) {
    ParseResult result =
        new ResourceParser().parse(List.of(new WatchedDirectory.File("c.yaml", yaml)));
    assertThat(result).isInstanceOf(ParseResult.Parsed.class);
    return ((ParseResult.Parsed) result).state();
  }

  /** A translator that sends policy-protected routes to ext-authz and ratelimit-service. */
  static Translator translator() {
    return translator(false);
  }

  /** As above, serving the Gateways' hosts to proxyless clients too, or not. */
  static Translator translator(boolean proxylessHosts) {
    return new Translator(
        new TranslatorOptions("ext-authz.attache:9001", "ratelimit.attache:8081")
            .withProxylessHosts(proxylessHosts));
  }
}
