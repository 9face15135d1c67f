package io.attache.controlplane.validate;

/**
 * One constraint of the Envoy API a resource breaks.
 *
 * @param field the field's path in the resource, e.g. {@code virtual_hosts[0].routes[2].match}
 * @param rule the {@code validate.rules} constraint, e.g. {@code string.min_len = 1}
 * @param message what the value was
 */
public record Violation(String field, String rule, String message) {
  @Override
  public String toString() {
    return field + ": " + rule + " (" + message + ")";
  }
}
