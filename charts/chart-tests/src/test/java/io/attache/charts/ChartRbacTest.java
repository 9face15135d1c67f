package io.attache.charts;

import static io.attache.charts.RenderedChart.render;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each service gets exactly the access its code uses (fabric8 8.0.0): informers list and watch, a
 * status write GETs the object and PATCHes its /status, the status Lease is GET, created (POST) and
 * PATCHed. No PUT, no delete, no wildcard.
 */
class ChartRbacTest {
  private static String rule(PolicyRule rule) {
    return String.join(",", rule.getApiGroups())
        + " "
        + String.join(",", rule.getResources())
        + (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
            ? ""
            : " " + String.join(",", rule.getResourceNames()))
        + " "
        + String.join(",", rule.getVerbs());
  }

  private static List<String> clusterRules(RenderedChart chart, String component) {
    return chart.get(ClusterRole.class, "shop-rel-" + component).getRules().stream()
        .map(ChartRbacTest::rule)
        .toList();
  }

  @Test
  void theControlPlaneWatchesDiscoveryGatewayApiAndPoliciesAndPatchesTheirStatus() {
    assertThat(clusterRules(render(), "control-plane"))
        .containsExactlyInAnyOrder(
            " services list,watch",
            "discovery.k8s.io endpointslices list,watch",
            " secrets list,watch",
            "gateway.networking.k8s.io gateways,httproutes,grpcroutes,tlsroutes,tcproutes get,list,watch",
            "gateway.networking.k8s.io referencegrants list,watch",
            "gateway.networking.k8s.io backendtlspolicies get,list,watch",
            " configmaps list,watch",
            "attache.io trafficpolicies,authpolicies,ratelimitpolicies get,list,watch",
            "getambassador.io mappings get,list,watch",
            "getambassador.io hosts,listeners,tlscontexts list,watch",
            " namespaces list,watch",
            "gateway.networking.k8s.io gateways/status,httproutes/status,grpcroutes/status,tlsroutes/status,tcproutes/status,backendtlspolicies/status patch",
            "gateway.networking.k8s.io gatewayclasses get,list,watch",
            "gateway.networking.k8s.io gatewayclasses/status patch",
            "attache.io trafficpolicies/status,authpolicies/status,ratelimitpolicies/status patch",
            "getambassador.io mappings/status patch");
  }

  @Test
  void theControlPlaneLeaseIsARoleInTheReleaseNamespaceNamedAfterTheCodesLease() {
    Role lease = render().get(Role.class, "rel-control-plane-lease");

    assertThat(lease.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(lease.getRules())
        .extracting(ChartRbacTest::rule)
        .containsExactlyInAnyOrder(
            "coordination.k8s.io leases create",
            "coordination.k8s.io leases attache-control-plane-status get,patch");
    assertThat(render().get(RoleBinding.class, "rel-control-plane-lease").getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("rel-control-plane"));
  }

  @Test
  void aControlPlaneThatWritesNoStatusGetsNoLeaseAndNoStatusAccess() {
    RenderedChart chart = render("controlPlane.writeStatus", false);

    assertThat(clusterRules(chart, "control-plane"))
        .containsExactlyInAnyOrder(
            " services list,watch",
            "discovery.k8s.io endpointslices list,watch",
            " secrets list,watch",
            "gateway.networking.k8s.io gateways,httproutes,grpcroutes,tlsroutes,tcproutes list,watch",
            "gateway.networking.k8s.io referencegrants list,watch",
            "gateway.networking.k8s.io backendtlspolicies list,watch",
            " configmaps list,watch",
            "attache.io trafficpolicies,authpolicies,ratelimitpolicies list,watch",
            "getambassador.io mappings list,watch",
            "getambassador.io hosts,listeners,tlscontexts list,watch",
            " namespaces list,watch");
    assertThat(chart.all(Role.class)).isEmpty();
    assertThat(chart.envValue("control-plane", "ATTACHE_WRITE_STATUS")).isEqualTo("false");
  }

  @Test
  void extAuthzReadsAuthPoliciesAndKeySecretsAndPatchesPolicyStatus() {
    assertThat(clusterRules(render(), "ext-authz"))
        .containsExactlyInAnyOrder(
            "attache.io authpolicies get,list,watch",
            "attache.io authpolicies/status patch",
            " secrets list,watch",
            "authentication.k8s.io tokenreviews create");
  }

  @Test
  void extAuthzWithoutKeySecretsOrTokenReviewsCannotReadSecretsOrReviewTokens() {
    assertThat(
            clusterRules(
                render("extAuthz.apiKeySecrets", false, "extAuthz.tokenReviews", false),
                "ext-authz"))
        .containsExactlyInAnyOrder(
            "attache.io authpolicies get,list,watch", "attache.io authpolicies/status patch");
  }

  @Test
  void theRateLimitServiceReadsRateLimitPoliciesAndPatchesTheirStatus() {
    assertThat(clusterRules(render(), "ratelimit-service"))
        .containsExactlyInAnyOrder(
            "attache.io ratelimitpolicies get,list,watch",
            "attache.io ratelimitpolicies/status patch");
  }

  @Test
  void noRuleUsesAWildcardOrWritesObjects() {
    RenderedChart chart = render();
    List<PolicyRule> rules =
        java.util.stream.Stream.concat(
                chart.all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
                chart.all(Role.class).stream().flatMap(r -> r.getRules().stream()))
            .toList();

    assertThat(rules).isNotEmpty();
    assertThat(rules)
        .allSatisfy(
            r -> {
              assertThat(r.getApiGroups()).doesNotContain("*");
              assertThat(r.getResources()).doesNotContain("*");
              assertThat(r.getVerbs())
                  .doesNotContain("*", "update", "delete", "deletecollection", "escalate", "bind");
            });
  }

  @Test
  void eachClusterRoleIsBoundToItsOwnServiceAccount() {
    assertThat(render().all(ClusterRoleBinding.class))
        .hasSize(3)
        .allSatisfy(
            b -> {
              assertThat(b.getRoleRef().getName()).isEqualTo(b.getMetadata().getName());
              assertThat(b.getSubjects())
                  .singleElement()
                  .satisfies(
                      s -> {
                        assertThat(s.getNamespace()).isEqualTo("shop");
                        assertThat("shop-" + s.getName()).isEqualTo(b.getMetadata().getName());
                      });
            });
  }

  @Test
  void namespaceScopeUsesRolesInTheReleaseNamespaceAndWatchesOnlyIt() {
    RenderedChart chart = render("rbac.scope", "namespace");

    assertThat(chart.all(ClusterRole.class)).isEmpty();
    assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();
    assertThat(chart.all(Role.class))
        .extracting(r -> r.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "rel-ratelimit-service",
            "rel-ext-authz",
            "rel-control-plane",
            "rel-control-plane-lease");
    assertThat(chart.get(Role.class, "rel-ext-authz").getRules())
        .extracting(ChartRbacTest::rule)
        .contains(" secrets list,watch");
    // A Role cannot grant cluster-scoped GatewayClasses or Namespaces; the control plane does not
    // read them here.
    assertThat(chart.get(Role.class, "rel-control-plane").getRules())
        .extracting(ChartRbacTest::rule)
        .noneMatch(rule -> rule.contains("gatewayclasses") || rule.contains("namespaces list"));
    for (String component : List.of("ratelimit-service", "ext-authz", "control-plane")) {
      assertThat(chart.envValue(component, "WATCH_NAMESPACE")).as(component).isEqualTo("shop");
    }
  }

  @Test
  void clusterScopeLeavesWatchNamespaceUnset() {
    assertThat(render().env("control-plane")).doesNotContainKey("WATCH_NAMESPACE");
  }
}
