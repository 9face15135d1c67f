package io.attache.crds.schema;

/** One mistake in a document: where it is ({@code spec.identity[0].jwt.issuers}) and why. */
public record FieldProblem(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
