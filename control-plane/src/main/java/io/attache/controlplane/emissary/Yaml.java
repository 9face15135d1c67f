package io.attache.controlplane.emissary;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Kubernetes objects as ordered maps, ready to print as YAML. */
final class Yaml {
  private Yaml() {}

  static Map<String, Object> object(
      String apiVersion, String kind, String namespace, String name, Map<String, Object> spec) {
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    metadata.put("namespace", namespace);
    object.put("metadata", metadata);
    object.put("spec", spec);
    return object;
  }

  static Map<String, Object> parent(String namespace, String section) {
    Map<String, Object> parent = new LinkedHashMap<>();
    parent.put("name", HostListeners.GATEWAY);
    parent.put("namespace", namespace);
    parent.put("sectionName", section);
    return parent;
  }

  /** Lets {@code fromKind}s of {@code fromNamespace} refer to {@code toKind}s of {@code in}. */
  static Map<String, Object> referenceGrant(
      String in,
      String fromKind,
      String fromNamespace,
      String toGroup,
      String toKind,
      String name) {
    Map<String, Object> from = new LinkedHashMap<>();
    from.put("group", "gateway.networking.k8s.io");
    from.put("kind", fromKind);
    from.put("namespace", fromNamespace);
    Map<String, Object> to = new LinkedHashMap<>();
    to.put("group", toGroup);
    to.put("kind", toKind);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("from", List.of(from));
    spec.put("to", List.of(to));
    return object("gateway.networking.k8s.io/v1beta1", "ReferenceGrant", in, name, spec);
  }
}
