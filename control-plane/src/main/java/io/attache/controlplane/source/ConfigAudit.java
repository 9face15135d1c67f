package io.attache.controlplane.source;

import io.attache.events.ConfigChange;
import io.attache.events.EventSink;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Emits an {@code audit.config} event ({@link ConfigChange}, component {@code control-plane}) for
 * every applied or rejected change of the resources. Never blocks: the sink returns at once.
 */
final class ConfigAudit {
  static final String COMPONENT = "control-plane";

  private final EventSink events;

  ConfigAudit(EventSink events) {
    this.events = events;
  }

  void applied(
      String kind,
      Optional<String> namespace,
      String name,
      OptionalLong generation,
      String message) {
    events.publish(
        new ConfigChange(
            COMPONENT,
            kind,
            namespace,
            name,
            generation,
            ConfigChange.Outcome.APPLIED,
            message,
            Optional.empty()));
  }

  void rejected(
      String kind,
      Optional<String> namespace,
      String name,
      OptionalLong generation,
      String message) {
    events.publish(
        new ConfigChange(
            COMPONENT,
            kind,
            namespace,
            name,
            generation,
            ConfigChange.Outcome.REJECTED,
            message,
            Optional.empty()));
  }

  /** The errors without their file or object name (the event names it), joined by "; ". */
  static String describe(List<ResourceError> errors) {
    return errors.stream()
        .map(
            e ->
                (e.document() > 0 ? "document " + e.document() + " " : "")
                    + (e.field().isEmpty() ? "" : e.field() + ": ")
                    + e.reason())
        .collect(Collectors.joining("; "));
  }
}
