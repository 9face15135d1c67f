package io.attache.controlplane.validate;

/**
 * Where a value is in the resource being checked, rendered only when it breaks a rule: checking a
 * large resource visits hundreds of thousands of fields, and building each one's path as text cost
 * more than the checks.
 */
final class Path {
  static final Path ROOT = new Path(null, "", -1, null);

  private final Path parent;
  private final String name;
  private final int index;
  private final String suffix;

  private Path(Path parent, String name, int index, String suffix) {
    this.parent = parent;
    this.name = name;
    this.index = index;
    this.suffix = suffix;
  }

  Path field(String field) {
    return new Path(this, field, -1, null);
  }

  Path item(int at) {
    return new Path(this, null, at, null);
  }

  /** {@code [key]}, {@code [key] key} or {@code (type)} after this path. */
  Path suffix(String text) {
    return new Path(this, null, -1, text);
  }

  @Override
  public String toString() {
    if (parent == null) {
      return "";
    }
    String head = parent.toString();
    if (name != null) {
      return head.isEmpty() ? name : head + "." + name;
    }
    return index >= 0 ? head + "[" + index + "]" : head + suffix;
  }
}
