package io.attache.controlplane.emissary;

import java.util.List;
import java.util.Optional;

/**
 * What reading one object gave: the object, or every error found in it, each {@code field: reason}.
 */
public record Checked<T>(Optional<T> value, List<String> errors) {
  public Checked {
    errors = List.copyOf(errors);
  }

  static <T> Checked<T> of(T value, List<String> errors) {
    return errors.isEmpty()
        ? new Checked<>(Optional.of(value), List.of())
        : new Checked<>(Optional.empty(), errors);
  }
}
