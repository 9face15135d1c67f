package io.attache.controlplane.source;

/**
 * One problem in a resource: which file, which YAML document in it (1-based; 0 for an object read
 * from the Kubernetes API, whose {@code file} is then {@code Kind namespace/name}), which field
 * (e.g. {@code spec.ports[0].port}; empty for the document as a whole) and why.
 */
public record ResourceError(String file, int document, String field, String reason) {
  @Override
  public String toString() {
    return file
        + (document > 0 ? " (document " + document + ")" : "")
        + (field.isEmpty() ? "" : " " + field)
        + ": "
        + reason;
  }
}
