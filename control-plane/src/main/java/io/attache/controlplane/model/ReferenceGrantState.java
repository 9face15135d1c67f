package io.attache.controlplane.model;

import java.util.List;
import java.util.Optional;

/**
 * A Gateway API ReferenceGrant: objects of the kinds in {@code from}, in their namespaces, may
 * refer to objects of the kinds in {@code to} in this grant's namespace (to one object when a
 * {@code to} names it). The core API group is the empty string.
 */
public record ReferenceGrantState(String namespace, String name, List<From> from, List<To> to) {

  public ReferenceGrantState {
    from = List.copyOf(from);
    to = List.copyOf(to);
  }

  /** Who may refer: objects of {@code group}/{@code kind} in {@code namespace}. */
  public record From(String group, String kind, String namespace) {}

  /** What they may refer to: objects of {@code group}/{@code kind}, all of them or one by name. */
  public record To(String group, String kind, Optional<String> name) {}

  public String key() {
    return namespace + "/" + name;
  }
}
