package io.attache.controlplane.source;

import io.attache.controlplane.model.NamespaceState;
import io.fabric8.kubernetes.api.model.Namespace;
import java.util.Map;
import java.util.Optional;

/** A v1 Namespace reduced to its labels, which listeners' namespace selectors match. */
final class NamespaceConverter {
  private NamespaceConverter() {}

  static Optional<NamespaceState> convert(Namespace namespace, DocumentErrors errors) {
    String name = Metadata.name(namespace, errors);
    Map<String, String> labels =
        namespace.getMetadata() == null || namespace.getMetadata().getLabels() == null
            ? Map.of()
            : namespace.getMetadata().getLabels();
    return name == null ? Optional.empty() : Optional.of(new NamespaceState(name, labels));
  }
}
