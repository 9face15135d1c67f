package io.attache.controlplane.model;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A namespace's labels, which listeners' {@code allowedRoutes} selectors are matched against. The
 * label {@value #NAME_LABEL} is always there with the namespace's name, as the API server sets it
 * on every namespace (Kubernetes 1.22 and later); a namespace the control plane has no object for
 * (a directory without its Namespace document, a control plane watching one namespace) has that
 * label alone.
 */
public record NamespaceState(String name, Map<String, String> labels) {
  public static final String NAME_LABEL = "kubernetes.io/metadata.name";

  public NamespaceState {
    Objects.requireNonNull(name, "name");
    Map<String, String> all = new HashMap<>(labels);
    all.put(NAME_LABEL, name);
    labels = Map.copyOf(all);
  }

  /** A namespace known by name only. */
  public static NamespaceState named(String name) {
    return new NamespaceState(name, Map.of());
  }
}
