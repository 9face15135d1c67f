package io.attache.events;

import io.attache.events.json.JsonWriter;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A configuration change a service applied or rejected ({@code audit.config}).
 *
 * @param component the service that loaded it: {@code ratelimit-service}, {@code ext-authz}, {@code
 *     control-plane}
 * @param kind the resource kind, e.g. {@code RateLimitPolicy}, or {@code File} for a config file
 * @param namespace the Kubernetes namespace, absent for files
 * @param name the resource name or file path
 * @param generation the resource's {@code metadata.generation}, absent for files
 * @param outcome applied or rejected
 * @param message what was applied, or why it was rejected (names the field and reason)
 * @param version a content hash of the configuration now served, if known
 */
public record ConfigChange(
    String component,
    String kind,
    Optional<String> namespace,
    String name,
    OptionalLong generation,
    Outcome outcome,
    String message,
    Optional<String> version)
    implements Event {

  /** Whether the change took effect. */
  public enum Outcome {
    APPLIED,
    REJECTED
  }

  public ConfigChange {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(generation, "generation");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(version, "version");
  }

  @Override
  public EventType type() {
    return EventType.CONFIG_CHANGE;
  }

  @Override
  public String subject() {
    return kind + "/" + namespace.map(ns -> ns + "/").orElse("") + name;
  }

  /** The resource: all changes to one resource stay in order. */
  @Override
  public String partitionKey() {
    return subject();
  }

  @Override
  public void writeData(JsonWriter json) {
    json.field("component", component)
        .field("kind", kind)
        .field("namespace", namespace)
        .field("name", name)
        .field("generation", generation)
        .field("outcome", outcome.name())
        .field("message", message)
        .field("version", version);
  }
}
