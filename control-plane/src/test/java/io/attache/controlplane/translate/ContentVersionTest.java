package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import org.junit.jupiter.api.Test;

class ContentVersionTest {
  private static String of(String cluster) {
    return new ContentVersion().of(Cluster.newBuilder().setName(cluster).build());
  }

  @Test
  void aTypesVersionDependsOnItsResourcesNotOnTheirOrder() {
    String a = of("a");
    String b = of("b");

    assertThat(new ContentVersion().add(a).add(b).value())
        .isEqualTo(new ContentVersion().add(b).add(a).value())
        .isNotEqualTo(new ContentVersion().add(a).value())
        .hasSize(16);
  }

  /** What lets a publisher update a type's version for the resources that changed alone. */
  @Test
  void replacingOneResourcesVersionGivesTheVersionOfTheNewSet() {
    String a = of("a");
    String b = of("b");
    String changed = of("b2");
    ContentVersion before = new ContentVersion().add(a).add(b);

    ContentVersion after = before.copy().remove(b).add(changed);

    assertThat(after.value()).isEqualTo(new ContentVersion().add(a).add(changed).value());
    assertThat(before.value()).isEqualTo(new ContentVersion().add(a).add(b).value());
  }
}
