package io.attache.controlplane.source;

import io.attache.controlplane.model.ReferenceGrantState;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantFrom;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantTo;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a ReferenceGrant as its CRD schema does (gateway-api {@code
 * gateway.networking.k8s.io_referencegrants.yaml}: 1 to 16 {@code from} and {@code to} entries;
 * groups, kinds, namespaces and names by their patterns and lengths) and turns it into a {@link
 * ReferenceGrantState}. Reports every bad field; a grant with one is left out whole, so it never
 * allows less or more than it says.
 */
final class ReferenceGrantConverter {
  private static final Pattern GROUP =
      Pattern.compile("^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final Pattern KIND = Pattern.compile("^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$");
  private static final Pattern NAMESPACE = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final int MAX_ENTRIES = 16;

  private ReferenceGrantConverter() {}

  /**
   * The v1 kind as the v1beta1 one the API source watches (every cluster with the Gateway API
   * serves v1beta1; v1 only from Gateway API 1.5): the two versions share their schema.
   */
  static ReferenceGrant asV1beta1(io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant v1) {
    return new ReferenceGrant(
        "gateway.networking.k8s.io/v1beta1", "ReferenceGrant", v1.getMetadata(), v1.getSpec());
  }

  static Optional<ReferenceGrantState> convert(ReferenceGrant grant, DocumentErrors errors) {
    String name = Metadata.name(grant, errors);
    boolean valid = name != null;
    if (grant.getSpec() == null) {
      errors.add("spec", "required");
      return Optional.empty();
    }
    List<ReferenceGrantState.From> from =
        entries(grant.getSpec().getFrom(), "spec.from", errors, ReferenceGrantConverter::from);
    List<ReferenceGrantState.To> to =
        entries(grant.getSpec().getTo(), "spec.to", errors, ReferenceGrantConverter::to);
    valid &= from != null && to != null;
    return valid
        ? Optional.of(new ReferenceGrantState(Metadata.namespace(grant), name, from, to))
        : Optional.empty();
  }

  /** A field checker: the entry, its path, the errors; null when the entry is invalid. */
  @FunctionalInterface
  private interface Entry<T, S> {
    S convert(T entry, String path, DocumentErrors errors);
  }

  private static <T, S> List<S> entries(
      List<T> entries, String path, DocumentErrors errors, Entry<T, S> convert) {
    if (entries == null || entries.isEmpty()) {
      errors.add(path, "required: at least one entry");
      return null;
    }
    if (entries.size() > MAX_ENTRIES) {
      errors.add(path, "at most " + MAX_ENTRIES + " entries, was " + entries.size());
      return null;
    }
    List<S> converted = new ArrayList<>();
    boolean valid = true;
    for (int i = 0; i < entries.size(); i++) {
      S entry = convert.convert(entries.get(i), path + "[" + i + "]", errors);
      valid &= entry != null;
      converted.add(entry);
    }
    return valid ? converted : null;
  }

  private static ReferenceGrantState.From from(
      ReferenceGrantFrom from, String path, DocumentErrors errors) {
    String group = checked(from.getGroup(), path + ".group", GROUP, 0, 253, errors);
    String kind = checked(from.getKind(), path + ".kind", KIND, 1, 63, errors);
    String namespace = checked(from.getNamespace(), path + ".namespace", NAMESPACE, 1, 63, errors);
    return group == null || kind == null || namespace == null
        ? null
        : new ReferenceGrantState.From(group, kind, namespace);
  }

  private static ReferenceGrantState.To to(
      ReferenceGrantTo to, String path, DocumentErrors errors) {
    String group = checked(to.getGroup(), path + ".group", GROUP, 0, 253, errors);
    String kind = checked(to.getKind(), path + ".kind", KIND, 1, 63, errors);
    boolean nameValid = true;
    if (to.getName() != null && (to.getName().isEmpty() || to.getName().length() > 253)) {
      errors.add(path + ".name", "must be 1 to 253 characters when given");
      nameValid = false;
    }
    return group == null || kind == null || !nameValid
        ? null
        : new ReferenceGrantState.To(group, kind, Optional.ofNullable(to.getName()));
  }

  /** {@code value} when present and valid, else null with an error naming {@code path}. */
  private static String checked(
      String value, String path, Pattern pattern, int min, int max, DocumentErrors errors) {
    if (value == null) {
      errors.add(path, "required");
      return null;
    }
    if (value.length() < min || value.length() > max || !pattern.matcher(value).matches()) {
      errors.add(
          path,
          "'" + value + "' must be " + min + " to " + max + " characters matching " + pattern);
      return null;
    }
    return value;
  }
}
