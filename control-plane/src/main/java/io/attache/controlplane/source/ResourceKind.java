package io.attache.controlplane.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the control plane knows about one kind of Kubernetes object, for files and the API
 * alike: which objects are its own, how one is checked and converted, how the audit describes it,
 * where it goes in the cluster state. {@link ResourceKinds} lists them; adding a kind is adding an
 * entry there (and the state it converts to).
 *
 * @param name the kind as objects, errors and audit events name it
 * @param type the fabric8 class objects of this kind deserialize to
 * @param stateType the class of the converted state
 * @param group which option turns watching this kind on
 * @param ours whether an object of {@code type} is for this control plane (a Gateway of another
 *     class, a Secret of another type is not)
 * @param converter checks and converts one object, given its last good state if any
 * @param describe what an applied object's audit event says
 * @param unique whether one name may appear once only among a directory's documents
 * @param collect adds a converted state to the cluster state being built
 * @param settle runs once all objects of this kind are in (e.g. giving each port to one Gateway)
 * @param apiFieldSelector a field selector narrowing the API watch (the API server applies it)
 * @param apiRelevant whether an object from the API is needed given what is converted so far
 *     (Secrets no listener names are neither converted nor audited)
 */
record ResourceKind<T extends HasMetadata, S>(
    String name,
    Class<T> type,
    Class<S> stateType,
    Group group,
    Predicate<T> ours,
    Converter<T, S> converter,
    Function<S, String> describe,
    boolean unique,
    BiConsumer<StateBuilder, S> collect,
    Settling settle,
    Map<String, String> apiFieldSelector,
    BiPredicate<T, StateBuilder> apiRelevant) {

  private static final Logger LOG = LoggerFactory.getLogger(ResourceKind.class);

  /** What an object's error says when its converter threw: tests and fuzzing look for it. */
  static final String CONVERTER_BUG = "please report this as a bug";

  /** Which option of the API source watches a kind. */
  enum Group {
    DISCOVERY,
    GATEWAY_API,
    /** Cluster-scoped Namespaces, for their labels: with the Gateway API, across all namespaces. */
    NAMESPACES,
    TRAFFIC_POLICIES,
    FILTER_POLICIES,
    /** Emissary's getambassador.io Mappings and Hosts (its CRDs must be installed). */
    EMISSARY
  }

  /** Checks and converts one object; empty when it gives nothing (with errors if invalid). */
  @FunctionalInterface
  interface Converter<T, S> {
    Optional<S> convert(T object, DocumentErrors errors, Optional<S> lastGood);

    /** A converter that has no use for the last good state. */
    static <T, S> Converter<T, S> of(
        java.util.function.BiFunction<T, DocumentErrors, Optional<S>> convert) {
      return (object, errors, lastGood) -> convert.apply(object, errors);
    }
  }

  /** A kind every object of {@code type} belongs to, with no settling and no API narrowing. */
  static <T extends HasMetadata, S> ResourceKind<T, S> of(
      String name,
      Class<T> type,
      Class<S> stateType,
      Group group,
      Converter<T, S> converter,
      Function<S, String> describe,
      boolean unique,
      BiConsumer<StateBuilder, S> collect) {
    return new ResourceKind<>(
        name,
        type,
        stateType,
        group,
        object -> true,
        converter,
        describe,
        unique,
        collect,
        (state, problems, conflicts) -> {},
        Map.of(),
        (object, state) -> true);
  }

  /**
   * What settling a kind may find: {@code problems} of single objects, reported while the rest is
   * served; {@code conflicts} between objects each valid alone (a port two Gateways claim), which a
   * directory read cannot resolve by preferring one document, so it keeps its last state.
   */
  @FunctionalInterface
  interface Settling {
    void settle(StateBuilder state, List<ResourceError> problems, List<ResourceError> conflicts);
  }

  ResourceKind<T, S> owning(Predicate<T> owned) {
    return new ResourceKind<>(
        name,
        type,
        stateType,
        group,
        owned,
        converter,
        describe,
        unique,
        collect,
        settle,
        apiFieldSelector,
        apiRelevant);
  }

  ResourceKind<T, S> settledBy(Settling settling) {
    return new ResourceKind<>(
        name,
        type,
        stateType,
        group,
        ours,
        converter,
        describe,
        unique,
        collect,
        settling,
        apiFieldSelector,
        apiRelevant);
  }

  ResourceKind<T, S> fromApi(Map<String, String> fieldSelector, BiPredicate<T, StateBuilder> need) {
    return new ResourceKind<>(
        name,
        type,
        stateType,
        group,
        ours,
        converter,
        describe,
        unique,
        collect,
        settle,
        fieldSelector,
        need);
  }

  /** Whether {@code object} is of this kind and this control plane's. */
  boolean accepts(Object object) {
    return type.isInstance(object) && ours.test(type.cast(object));
  }

  /** Converts {@code object}, which this kind {@link #accepts}; {@code lastGood} may be null. */
  Optional<S> convert(HasMetadata object, DocumentErrors errors, Object lastGood) {
    if (object.getMetadata() == null) {
      errors.add("metadata", "required");
      return Optional.empty();
    }
    if (object.getMetadata().getName() == null || object.getMetadata().getName().isBlank()) {
      errors.add("metadata.name", "required"); // every Kubernetes object has one
      return Optional.empty();
    }
    if (!stringValues(object.getMetadata().getLabels(), "metadata.labels", errors)
        | !stringValues(object.getMetadata().getAnnotations(), "metadata.annotations", errors)) {
      return Optional.empty();
    }
    List<String> empty = EmptyItems.in(object);
    if (!empty.isEmpty()) {
      empty.forEach(item -> errors.add(item, "must not be empty (the item is null)"));
      return Optional.empty();
    }
    try {
      return converter.convert(
          type.cast(object), errors, Optional.ofNullable(lastGood).map(stateType::cast));
    } catch (RuntimeException e) {
      // A bug in a converter; the object is refused (its last good version kept) rather than the
      // exception ending the whole read and hiding every valid object beside it.
      LOG.error("converting {} {} failed", name, ObjectKey.of(name, object), e);
      errors.add("", "could not be converted (" + e + "); " + CONVERTER_BUG);
      return Optional.empty();
    }
  }

  /** Whether every value of {@code map} is there: a label or annotation is a string, never null. */
  private static boolean stringValues(
      Map<String, String> map, String field, DocumentErrors errors) {
    if (map == null) {
      return true;
    }
    boolean all = true;
    for (Map.Entry<String, String> entry : map.entrySet()) {
      if (entry.getValue() == null) {
        errors.add(field + "." + entry.getKey(), "must be a string, was empty");
        all = false;
      }
    }
    return all;
  }

  boolean relevant(HasMetadata object, StateBuilder soFar) {
    return apiRelevant.test(type.cast(object), soFar);
  }

  void addTo(StateBuilder state, Object converted) {
    collect.accept(state, stateType.cast(converted));
  }

  String describe(Object converted) {
    return describe.apply(stateType.cast(converted));
  }

  ObjectKey keyOf(HasMetadata object) {
    return ObjectKey.of(name, object);
  }
}
