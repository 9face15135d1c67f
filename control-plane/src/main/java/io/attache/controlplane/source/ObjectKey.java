package io.attache.controlplane.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * Names one Kubernetes object the control plane reads: its kind, namespace (defaulted as kubectl
 * does) and name. The one key the sources use for last good versions, audit and status; {@link
 * #toString} is how errors and audit events name the object ({@code Kind namespace/name}).
 */
public record ObjectKey(String kind, String namespace, String name) {
  public ObjectKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  /** The key of {@code object} as a {@code kind}; a missing name is the empty string. */
  static ObjectKey of(String kind, HasMetadata object) {
    String name = object.getMetadata() == null ? null : object.getMetadata().getName();
    return new ObjectKey(kind, Metadata.namespace(object), name == null ? "" : name);
  }

  /** {@code namespace/name}, as routes, policies and status name the object. */
  public String ref() {
    return namespace + "/" + name;
  }

  @Override
  public String toString() {
    return kind + " " + ref();
  }
}
