package io.attache.charts;

import static io.attache.charts.RenderedChart.render;
import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The chart lints clean and its switches add or remove exactly their objects. */
class ChartTest {
  @Test
  void theChartPassesStrictLint() {
    LintResult lint = new Helm(RenderedChart.CHART).lint().strict().call();

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void defaultsDeployEveryService() {
    assertThat(render().all(Deployment.class))
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder("rel-ratelimit-service", "rel-ext-authz", "rel-control-plane");
  }

  @Test
  void defaultsMakeOnlyTheCoreObjects() {
    assertThat(render().objects())
        .extracting(HasMetadata::getKind)
        .containsOnly(
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Service",
            "Deployment");
  }

  @Test
  void everyNamespacedObjectIsInTheReleaseNamespace() {
    assertThat(render().objects())
        .filteredOn(o -> !List.of("ClusterRole", "ClusterRoleBinding").contains(o.getKind()))
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("shop"));
  }

  @ParameterizedTest
  @CsvSource({"ratelimit, ratelimit-service", "extAuthz, ext-authz", "controlPlane, control-plane"})
  void switchingAServiceOffRemovesExactlyItsObjects(String key, String component) {
    List<String> all = render().kindsAndNames();
    List<String> without = render(key + ".enabled", false).kindsAndNames();

    List<String> removed = new ArrayList<>(all);
    removed.removeAll(without);
    assertThat(without).isSubsetOf(all);
    assertThat(removed)
        .isNotEmpty()
        .allSatisfy(kindAndName -> assertThat(kindAndName).contains(component));
    assertThat(without).noneMatch(kindAndName -> kindAndName.contains(component));
  }

  @Test
  void everyObjectOfAServiceCarriesItsComponentLabel() {
    assertThat(render().objects())
        .allSatisfy(
            o ->
                assertThat(o.getMetadata().getName())
                    .contains(o.getMetadata().getLabels().get("app.kubernetes.io/component")));
  }

  @Test
  void rbacCreateFalseLeavesRolesToTheOperator() {
    assertThat(render("rbac.create", false).objects())
        .extracting(HasMetadata::getKind)
        .doesNotContain("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");
  }
}
