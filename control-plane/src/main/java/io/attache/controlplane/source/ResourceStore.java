package io.attache.controlplane.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
  private Map<ObjectKey, Converted> converted = new HashMap<>();
  private Map<ObjectKey, Converted> convertedNow = new HashMap<>();
  private final boolean trustResourceVersions;

  /**
   * @param trustResourceVersions whether an object's {@code resourceVersion} names its content, as
   *     the API server guarantees; never for files, whose text may keep a stale one when edited
   */
  ResourceStore(boolean trustResourceVersions) {
    this.trustResourceVersions = trustResourceVersions;
  }

  /** What one version of an object gave, with the errors it reported. */
  private record Converted(String resourceVersion, Outcome outcome, List<ResourceError> errors) {}

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
   * Converts {@code object}, which {@code kind} accepts, reporting its errors to {@code errors}. An
   * object (from the API: see the constructor) whose {@code resourceVersion} was converted in the
   * last read is not converted again: its outcome (the same state object) and errors are the last
   * read's, so a read after one change converts that one object, and the state keeps every other
   * object as the very same instance (which lets the translator compare by reference).
   */
  Outcome convert(ResourceKind<?, ?> kind, HasMetadata object, DocumentErrors errors) {
    ObjectKey key = kind.keyOf(object);
    String version =
        object.getMetadata() == null ? null : object.getMetadata().getResourceVersion();
    boolean versioned = trustResourceVersions && version != null && !version.isEmpty();
    Converted last = converted.get(key);
    if (versioned && last != null && version.equals(last.resourceVersion())) {
      last.errors().forEach(errors::add);
      last.outcome().served().ifPresent(state -> read.put(key, state));
      convertedNow.put(key, last);
      return last.outcome();
    }
    List<ResourceError> own = new ArrayList<>();
    Outcome outcome = convertAnew(kind, object, key, errors.into(own));
    own.forEach(errors::add);
    if (versioned) {
      convertedNow.put(key, new Converted(version, outcome, List.copyOf(own)));
    }
    return outcome;
  }

  private Outcome convertAnew(
      ResourceKind<?, ?> kind, HasMetadata object, ObjectKey key, DocumentErrors errors) {
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
    read = sized(lastGood.size());
    converted = convertedNow;
    convertedNow = sized(converted.size());
  }

  /** Ends a read that is not served: the last good versions stay those of the read before. */
  void abandonRead() {
    read = sized(lastGood.size());
    convertedNow = sized(converted.size());
  }

  /**
   * A map for about as many objects as the last read had: grown from empty, a map of 50k objects
   * rehashed everything seventeen times per read.
   */
  static <K, V> Map<K, V> sized(int expected) {
    return new HashMap<>(Math.max(16, (int) (expected / 0.75f) + 1));
  }
}
