package io.attache.controlplane.source;

/**
 * One problem in a resource file: which file, which YAML document in it (1-based), which field
 * (e.g. {@code spec.ports[0].port}; empty for the document as a whole) and why.
 */
public record ResourceError(String file, int document, String field, String reason) {
  @Override
  public String toString() {
    return file
        + " (document "
        + document
        + ")"
        + (field.isEmpty() ? "" : " " + field)
        + ": "
        + reason;
  }
}
