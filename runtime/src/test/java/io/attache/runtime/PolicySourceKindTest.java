package io.attache.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicySourceKindTest {
  @Test
  void kubernetesInsideAClusterOrWithAClientElseNone() {
    assertThat(PolicySourceKind.fromSettings(new Settings(Map.of()), false))
        .isEqualTo(PolicySourceKind.NONE);
    assertThat(PolicySourceKind.fromSettings(new Settings(Map.of()), true))
        .isEqualTo(PolicySourceKind.KUBERNETES);
    assertThat(
            PolicySourceKind.fromSettings(
                new Settings(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1")), false))
        .isEqualTo(PolicySourceKind.KUBERNETES);
  }

  @Test
  void theSettingWinsAndABadValueIsNamed() {
    assertThat(
            PolicySourceKind.fromSettings(
                new Settings(
                    Map.of(
                        "KUBERNETES_SERVICE_HOST", "10.96.0.1", "ATTACHE_POLICY_SOURCE", "none")),
                true))
        .isEqualTo(PolicySourceKind.NONE);
    Settings bad = new Settings(Map.of("ATTACHE_POLICY_SOURCE", "files"));
    PolicySourceKind.fromSettings(bad, false);
    assertThatThrownBy(bad::validate)
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("ATTACHE_POLICY_SOURCE=files: must be one of kubernetes, none");
  }
}
