package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * apis/v1/policy_types.go, PolicyStatus.ancestors: at most 16 entries in all, and "If this slice is
 * full, implementations MUST NOT add further entries"; other controllers' entries are theirs.
 */
class BackendTlsStatusWriterTest {
  private static List<PolicyAncestorStatus> entries(String controller, int count) {
    List<PolicyAncestorStatus> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      PolicyAncestorStatus entry = new PolicyAncestorStatus();
      entry.setControllerName(controller);
      entry.setAncestorRef(new ParentReferenceBuilder().withName("gateway-" + i).build());
      entries.add(entry);
    }
    return entries;
  }

  @Test
  void oursFillWhatTheOtherControllersLeaveOfSixteen() {
    List<PolicyAncestorStatus> ours = entries(RouteStatusWriter.CONTROLLER, 17);

    assertThat(BackendTlsStatusWriter.capped(ours, List.of())).hasSize(16);
    assertThat(BackendTlsStatusWriter.capped(ours, entries("example.com/other", 15))).hasSize(1);
    assertThat(BackendTlsStatusWriter.capped(ours, entries("example.com/other", 16))).isEmpty();
    // Our own entries already written take no room from the new ones.
    assertThat(BackendTlsStatusWriter.capped(ours, ours.subList(0, 16))).hasSize(16);
    assertThat(BackendTlsStatusWriter.capped(ours.subList(0, 3), List.of())).hasSize(3);
  }
}
