package io.attache.controlplane.source;

import java.util.ArrayList;
import java.util.List;

/** Collects the errors of one YAML document, each tagged with the file and document number. */
final class DocumentErrors {
  private final String file;
  private final int document;
  private final List<ResourceError> errors;

  DocumentErrors(String file, int document, List<ResourceError> errors) {
    this.file = file;
    this.document = document;
    this.errors = errors;
  }

  void add(String field, String reason) {
    errors.add(new ResourceError(file, document, field, reason));
  }

  /** Adds an error as it was reported before (for this same document or object). */
  void add(ResourceError error) {
    errors.add(error);
  }

  /** The same file and document, collecting into {@code other}. */
  DocumentErrors into(List<ResourceError> other) {
    return new DocumentErrors(file, document, other);
  }

  /** How many errors the list these are added to holds. */
  int size() {
    return errors.size();
  }

  /** Runs {@code check} and reports whether it added no error. */
  boolean clean(Runnable check) {
    int before = errors.size();
    check.run();
    return errors.size() == before;
  }

  /** The errors of one object read from the Kubernetes API, named {@code Kind namespace/name}. */
  static DocumentErrors forObject(String kind, String key, List<ResourceError> errors) {
    return new DocumentErrors(kind + " " + key, 0, errors);
  }

  static List<ResourceError> list() {
    return new ArrayList<>();
  }
}
