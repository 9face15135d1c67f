package io.attache.controlplane.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a source serves for each object it reads, by {@link ObjectKey}: the object as read when it
 * is valid, else its last good version, else nothing. Files and the Kubernetes API go through the
 * same store, so an invalid object is treated the same wherever it comes from, and never hides the
 * valid objects beside it. One read at a time: {@link #convert} and {@link #keep} each object seen,
 * then {@link #finishRead} (or {@link #abandonRead} when the read as a whole is refused).
 */
final class ResourceStore {
  private Map<ObjectKey, Object> lastGood = new HashMap<>();
  private Map<ObjectKey, Object> read = new HashMap<>();

  /**
   * What one object gives.
   *
   * @param served what to serve for it: its state as read, or its last good one; empty when it is
   *     left out (invalid and never valid) or gives nothing to serve (e.g. a policy without
   *     targets)
   * @param converted whether it converted as read ({@code served} is then that state)
   */
  record Outcome(ObjectKey key, Optional<Object> served, boolean converted) {
    boolean fromLastGood() {
      return !converted && served.isPresent();
    }
  }

  /**
   * Converts {@code object}, which {@code kind} accepts, reporting its errors to {@code errors}.
   */
  Outcome convert(ResourceKind<?, ?> kind, HasMetadata object, DocumentErrors errors) {
    ObjectKey key = kind.keyOf(object);
    int before = errors.size();
    Optional<?> now = kind.convert(object, errors, lastGood.get(key));
    if (now.isPresent()) {
      read.put(key, now.get());
      return new Outcome(key, Optional.of(now.get()), true);
    }
    if (errors.size() == before) {
      return new Outcome(key, Optional.empty(), true);
    }
    return keep(key);
  }

  /**
   * An object that is invalid or could not be read at all: its last good version, if it had one.
   */
  Outcome keep(ObjectKey key) {
    Object previous = lastGood.get(key);
    if (previous != null) {
      read.put(key, previous);
    }
    return new Outcome(key, Optional.ofNullable(previous), false);
  }

  /** Ends a read: an object it did not serve has no last good version any more. */
  void finishRead() {
    lastGood = read;
    read = new HashMap<>();
  }

  /** Ends a read that is not served: the last good versions stay those of the read before. */
  void abandonRead() {
    read = new HashMap<>();
  }
}
