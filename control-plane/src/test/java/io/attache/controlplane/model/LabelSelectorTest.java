package io.attache.controlplane.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.LabelSelector.Operator;
import io.attache.controlplane.model.LabelSelector.Requirement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Label selectors as Kubernetes evaluates them (k8s.io/apimachinery labels.Selector: matchLabels
 * and every requirement ANDed; NotIn and DoesNotExist hold for an absent key; empty matches all).
 */
class LabelSelectorTest {
  private static final Map<String, String> BACKEND = Map.of("tier", "backend", "team", "shop");

  private static boolean matches(Requirement requirement, Map<String, String> labels) {
    return new LabelSelector(Map.of(), List.of(requirement)).matches(labels);
  }

  @Test
  void anEmptySelectorMatchesEverything() {
    assertThat(new LabelSelector(Map.of(), List.of()).matches(Map.of())).isTrue();
  }

  @Test
  void matchLabelsNeedEveryPair() {
    assertThat(new LabelSelector(Map.of("tier", "backend"), List.of()).matches(BACKEND)).isTrue();
    assertThat(
            new LabelSelector(Map.of("tier", "backend", "team", "web"), List.of()).matches(BACKEND))
        .isFalse();
  }

  @Test
  void eachOperatorAsKubernetesDefinesIt() {
    assertThat(matches(new Requirement("tier", Operator.IN, List.of("backend", "db")), BACKEND))
        .isTrue();
    assertThat(matches(new Requirement("tier", Operator.IN, List.of("db")), BACKEND)).isFalse();
    assertThat(matches(new Requirement("zone", Operator.IN, List.of("a")), BACKEND)).isFalse();
    assertThat(matches(new Requirement("tier", Operator.NOT_IN, List.of("db")), BACKEND)).isTrue();
    assertThat(matches(new Requirement("zone", Operator.NOT_IN, List.of("a")), BACKEND)).isTrue();
    assertThat(matches(new Requirement("tier", Operator.NOT_IN, List.of("backend")), BACKEND))
        .isFalse();
    assertThat(matches(new Requirement("team", Operator.EXISTS, List.of()), BACKEND)).isTrue();
    assertThat(matches(new Requirement("zone", Operator.EXISTS, List.of()), BACKEND)).isFalse();
    assertThat(matches(new Requirement("zone", Operator.DOES_NOT_EXIST, List.of()), BACKEND))
        .isTrue();
    assertThat(matches(new Requirement("team", Operator.DOES_NOT_EXIST, List.of()), BACKEND))
        .isFalse();
  }

  @Test
  void everyNamespaceHasItsNameLabel() {
    assertThat(NamespaceState.named("shop").labels())
        .containsExactly(Map.entry("kubernetes.io/metadata.name", "shop"));
    assertThat(new NamespaceState("shop", Map.of("kubernetes.io/metadata.name", "other")).labels())
        .containsEntry("kubernetes.io/metadata.name", "shop");
  }
}
