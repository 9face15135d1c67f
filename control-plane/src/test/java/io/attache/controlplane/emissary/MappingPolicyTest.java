package io.attache.controlplane.emissary;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.source.ParseResult;
import io.attache.controlplane.source.ResourceParser;
import io.attache.controlplane.translate.Translator;
import io.attache.controlplane.xds.XdsJson;
import io.attache.runtime.WatchedDirectory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * AuthPolicy and RateLimitPolicy {@code targetRefs} of kind Mapping (group getambassador.io) turn
 * Envoy's filters on for the route the Mapping is served as; a canary group is served as its first
 * Mapping's route, so naming another of the group applies to nothing.
 */
class MappingPolicyTest {
  private static final String CLUSTER =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: catalog, namespace: shop}
      spec: {ports: [{port: 8080}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: search, namespace: shop}
      spec: {ports: [{port: 8080}]}
      ---
      apiVersion: getambassador.io/v3alpha1
      kind: Host
      metadata: {name: shop, namespace: shop}
      spec:
        hostname: shop.example.com
        requestPolicy: {insecure: {action: Route}}
      ---
      apiVersion: getambassador.io/v3alpha1
      kind: Mapping
      metadata: {name: catalog, namespace: shop}
      spec: {hostname: shop.example.com, prefix: /catalog/, service: catalog:8080}
      ---
      apiVersion: getambassador.io/v3alpha1
      kind: Mapping
      metadata: {name: catalog-canary, namespace: shop}
      spec: {hostname: shop.example.com, prefix: /catalog/, service: catalog:8080, weight: 5}
      ---
      apiVersion: getambassador.io/v3alpha1
      kind: Mapping
      metadata: {name: search, namespace: shop}
      spec: {hostname: shop.example.com, prefix: /search/, service: search:8080}
      ---
      """;

  private static String served(String yaml) {
    ParseResult parsed =
        new ResourceParser().parse(List.of(new WatchedDirectory.File("shop.yaml", yaml)));
    assertThat(parsed).as(parsed.toString()).isInstanceOf(ParseResult.Parsed.class);
    return XdsJson.pretty(
            XdsJson.byType(new Translator().translate(((ParseResult.Parsed) parsed).state())))
        .replaceAll("\\s+", " ");
  }

  @Test
  void anAuthPolicyOnAMappingChecksItsGroupsRouteOnly() {
    String xds =
        served(
            CLUSTER
                + """
                apiVersion: attache.io/v1alpha1
                kind: AuthPolicy
                metadata: {name: catalog-auth, namespace: shop}
                spec:
                  targetRefs: [{group: getambassador.io, kind: Mapping, name: catalog}]
                  identity: [{anonymous: {}}]
                """);

    assertThat(xds).contains("\"attache.io/route\": \"shop/mapping-catalog\"");
    assertThat(xds).doesNotContain("\"attache.io/route\": \"shop/mapping-search\"");
  }

  @Test
  void aPolicyNamingACanaryThatSharesAnotherMappingsRouteAppliesToNothing() {
    String xds =
        served(
            CLUSTER
                + """
                apiVersion: attache.io/v1alpha1
                kind: AuthPolicy
                metadata: {name: canary-auth, namespace: shop}
                spec:
                  targetRefs: [{group: getambassador.io, kind: Mapping, name: catalog-canary}]
                  identity: [{anonymous: {}}]
                """);

    assertThat(xds).doesNotContain("\"attache.io/route\"");
  }

  @Test
  void aRateLimitPolicyOnAMappingLimitsItsRoute() {
    String xds =
        served(
            CLUSTER
                + """
                apiVersion: attache.io/v1alpha1
                kind: RateLimitPolicy
                metadata: {name: search-limits, namespace: shop}
                spec:
                  domain: shop
                  targetRefs: [{group: getambassador.io, kind: Mapping, name: search}]
                  descriptors:
                    - key: remote_address
                      rate_limit: {unit: second, requests_per_unit: 10}
                """);

    assertThat(xds).contains("\"domain\": \"shop\"").contains("\"remoteAddress\": {}");
  }
}
