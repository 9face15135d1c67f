package io.attache.controlplane.source;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Reads names and generations from object metadata the way kubectl applies them (namespace
 * defaults).
 */
final class Metadata {
  static final String DEFAULT_NAMESPACE = "default";

  private Metadata() {}

  /** The name, or null after reporting {@code metadata.name} as missing. */
  static String name(HasMetadata resource, DocumentErrors errors) {
    String name = resource.getMetadata() == null ? null : resource.getMetadata().getName();
    if (name == null || name.isBlank()) {
      errors.add("metadata.name", "required");
      return null;
    }
    return name;
  }

  static String namespace(HasMetadata resource) {
    String namespace =
        resource.getMetadata() == null ? null : resource.getMetadata().getNamespace();
    return namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace;
  }

  /** {@code metadata.generation}, 0 when the object has none (a file, or an API server's 0). */
  static long generation(HasMetadata resource) {
    Long generation =
        resource.getMetadata() == null ? null : resource.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }
}
