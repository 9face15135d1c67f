package io.attache.authz.policy;

/** One problem in a policy: the source it came from, the field, and why. */
public record PolicyError(String source, String path, String message) {
  @Override
  public String toString() {
    return source + ": " + (path.isEmpty() ? "" : path + ": ") + message;
  }
}
