package io.attache.controlplane.translate;

import com.google.protobuf.Message;
import io.attache.controlplane.validate.EnvoyApiValidation;
import io.attache.controlplane.validate.Violation;
import java.util.List;

/**
 * The translator's own check, made with assertions on (every test run): each resource it built
 * meets the Envoy API's rules, or the test fails naming the resource, field and rule.
 */
final class EnvoyRules {
  private EnvoyRules() {}

  /** True, or an {@link AssertionError} naming the first resource that breaks a rule. */
  static boolean hold(XdsResources resources) {
    for (List<? extends Message> list :
        List.of(
            resources.clusters(),
            resources.loadAssignments(),
            resources.listeners(),
            resources.routes(),
            resources.secrets())) {
      for (Message resource : list) {
        List<Violation> violations = EnvoyApiValidation.validate(resource);
        if (!violations.isEmpty()) {
          throw new AssertionError(
              resource.getDescriptorForType().getName() + " breaks " + violations);
        }
      }
    }
    return true;
  }
}
