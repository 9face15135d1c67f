package io.attache.controlplane.source;

import io.attache.controlplane.model.ClusterState;
import java.util.List;

/** What reading a set of resource files gave: a whole cluster state, or every error found. */
public sealed interface ParseResult {
  /** All files were valid. */
  record Parsed(ClusterState state) implements ParseResult {}

  /** At least one file was invalid; nothing of this read should be used. */
  record Invalid(List<ResourceError> errors) implements ParseResult {
    public Invalid {
      errors = List.copyOf(errors);
    }
  }
}
