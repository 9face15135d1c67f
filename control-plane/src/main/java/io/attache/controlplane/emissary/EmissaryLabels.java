package io.attache.controlplane.emissary;

import io.attache.controlplane.model.PolicyAttachment;
import io.attache.controlplane.model.PolicyAttachment.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Mapping's {@code labels}, Emissary's rate-limit format, read as Emissary reads it
 * (python/ambassador/envoy/v3/v3ratelimitaction.py in emissary-ingress/emissary): a map from domain
 * to a list of label groups, each a map of one group name to a list of actions, each a map of one
 * of {@code source_cluster}, {@code destination_cluster}, {@code remote_address}, {@code
 * generic_key} ({@code value}, optional {@code key}) or {@code request_headers} ({@code key},
 * {@code header_name}). Each group becomes one Envoy {@code rate_limits} entry, its actions in
 * order.
 *
 * <p>Emissary sends only the labels of its RateLimitService's domain; Attaché reads no
 * RateLimitService, and Envoy's filter takes one domain per route, so the labels must name exactly
 * one domain. {@code omit_if_not_present}, true or false, changes nothing, as in Emissary (which
 * does not pass it on): Envoy sends no descriptor without the header. {@code default}, which
 * Emissary accepts and drops, is refused as having no effect.
 */
public final class EmissaryLabels {
  private static final Set<String> HEADER_FIELDS =
      Set.of("key", "header_name", "omit_if_not_present", "default");

  private EmissaryLabels() {}

  /** The labels at {@code field} as one domain's descriptors; errors into {@code errors}. */
  public static Optional<PolicyAttachment.RateLimits> read(
      Object labels, String field, List<String> errors) {
    int before = errors.size();
    if (!(labels instanceof Map<?, ?> domains) || domains.size() != 1) {
      errors.add(
          field
              + ": must map exactly one rate-limit domain to its label groups (Envoy's filter"
              + " sends one domain per route)");
      return Optional.empty();
    }
    Map.Entry<?, ?> domain = domains.entrySet().iterator().next();
    String at = field + "." + domain.getKey();
    if (!(domain.getValue() instanceof List<?> groups) || groups.isEmpty()) {
      errors.add(at + ": must be a list of label groups");
      return Optional.empty();
    }
    List<List<Action>> descriptors = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      group(groups.get(i), at + "[" + i + "]", errors).ifPresent(descriptors::add);
    }
    return errors.size() > before
        ? Optional.empty()
        : Optional.of(
            new PolicyAttachment.RateLimits(String.valueOf(domain.getKey()), descriptors));
  }

  private static Optional<List<Action>> group(Object group, String at, List<String> errors) {
    if (!(group instanceof Map<?, ?> named)
        || named.size() != 1
        || !(named.values().iterator().next() instanceof List<?> actions)
        || actions.isEmpty()) {
      errors.add(at + ": must map one group name to a list of actions");
      return Optional.empty();
    }
    String path = at + "." + named.keySet().iterator().next();
    List<Action> read = new ArrayList<>();
    for (int i = 0; i < actions.size(); i++) {
      action(actions.get(i), path + "[" + i + "]", errors).ifPresent(read::add);
    }
    return Optional.of(read);
  }

  private static Optional<Action> action(Object action, String at, List<String> errors) {
    if (!(action instanceof Map<?, ?> one) || one.size() != 1) {
      errors.add(
          at
              + ": must be one of source_cluster, destination_cluster, remote_address,"
              + " generic_key or request_headers");
      return Optional.empty();
    }
    String kind = String.valueOf(one.keySet().iterator().next());
    Object settings = one.values().iterator().next();
    Map<?, ?> fields = settings instanceof Map<?, ?> map ? map : Map.of();
    String path = at + "." + kind;
    return switch (kind) {
      case "source_cluster" -> Optional.of(new PolicyAttachment.SourceCluster());
      case "destination_cluster" -> Optional.of(new PolicyAttachment.DestinationCluster());
      case "remote_address" -> Optional.of(new PolicyAttachment.RemoteAddress());
      case "generic_key" -> genericKey(fields, path, errors);
      case "request_headers" -> requestHeaders(fields, path, errors);
      default -> {
        errors.add(at + ": " + kind + " is not a label Emissary knows");
        yield Optional.empty();
      }
    };
  }

  private static Optional<Action> genericKey(Map<?, ?> fields, String at, List<String> errors) {
    for (Object name : fields.keySet()) {
      if (!"key".equals(name) && !"value".equals(name)) {
        errors.add(at + "." + name + ": unknown field");
        return Optional.empty();
      }
    }
    Object value = fields.get("value");
    Object key = fields.get("key");
    if (!(value instanceof String text) || text.isEmpty()) {
      errors.add(at + ".value: required, a string");
      return Optional.empty();
    }
    if (key != null && !(key instanceof String)) {
      errors.add(at + ".key: must be a string");
      return Optional.empty();
    }
    return Optional.of(
        new PolicyAttachment.GenericKey(key == null ? "generic_key" : (String) key, text));
  }

  private static Optional<Action> requestHeaders(Map<?, ?> fields, String at, List<String> errors) {
    int before = errors.size();
    for (Object name : fields.keySet()) {
      if (!HEADER_FIELDS.contains(String.valueOf(name))) {
        errors.add(at + "." + name + ": unknown field");
      }
    }
    if (fields.containsKey("default")) {
      errors.add(
          at
              + ".default: has no effect (Emissary drops it, and Envoy sends no descriptor"
              + " without the header); remove it");
    }
    if (fields.containsKey("omit_if_not_present")
        && !(fields.get("omit_if_not_present") instanceof Boolean)) {
      errors.add(at + ".omit_if_not_present: must be true or false");
    }
    Object key = fields.get("key");
    Object header = fields.get("header_name");
    if (!(key instanceof String k) || k.isEmpty()) {
      errors.add(at + ".key: required, a string");
    }
    if (!(header instanceof String h) || h.isEmpty()) {
      errors.add(at + ".header_name: required, a string");
    }
    return errors.size() > before
        ? Optional.empty()
        : Optional.of(new PolicyAttachment.RequestHeader((String) header, (String) key));
  }
}
