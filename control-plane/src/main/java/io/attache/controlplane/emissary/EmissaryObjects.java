package io.attache.controlplane.emissary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Picks Emissary's Mappings, Hosts and Listeners ({@code getambassador.io/v2} and {@code v3alpha1},
 * whose fields for these kinds are the same) out of YAML documents, reading each; other kinds are
 * not Emissary's routing and are passed over. Errors name the document, the object and the field.
 */
public final class EmissaryObjects {
  private static final Set<String> VERSIONS =
      Set.of("getambassador.io/v2", "getambassador.io/v3alpha1");

  private final List<EmissaryMapping> mappings = new ArrayList<>();
  private final List<EmissaryHost> hosts = new ArrayList<>();
  private final List<EmissaryListener> listeners = new ArrayList<>();
  private final List<EmissaryTlsContext> tlsContexts = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();

  /** Reads one document ({@code where} names it in errors, e.g. {@code file.yaml#2}). */
  public void read(String where, Object document) {
    if (!(document instanceof Map<?, ?> object)
        || !VERSIONS.contains(String.valueOf(object.get("apiVersion")))) {
      return;
    }
    String kind = String.valueOf(object.get("kind"));
    if (!Set.of("Mapping", "Host", "Listener", "TLSContext").contains(kind)) {
      return;
    }
    Map<?, ?> metadata = object.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
    String name = metadata.get("name") instanceof String n ? n : "";
    String namespace = metadata.get("namespace") instanceof String ns ? ns : "default";
    String prefix = where + ": " + kind + " " + namespace + "/" + name + ": ";
    if (name.isEmpty()) {
      errors.add(prefix + "metadata.name: required");
      return;
    }
    if (!(object.get("spec") instanceof Map<?, ?> spec)) {
      errors.add(prefix + "spec: required, an object");
      return;
    }
    if (kind.equals("Mapping")) {
      collect(MappingReader.read(namespace, name, labels(metadata), spec), mappings, prefix);
    } else if (kind.equals("Host")) {
      collect(EmissaryHost.read(namespace, name, labels(metadata), spec), hosts, prefix);
    } else if (kind.equals("Listener")) {
      collect(EmissaryListener.read(namespace, name, spec), listeners, prefix);
    } else {
      collect(EmissaryTlsContext.read(namespace, name, spec), tlsContexts, prefix);
    }
  }

  /**
   * One Mapping to serve: as {@link #read}, and a field the migration would only report is an error
   * here, since the control plane would otherwise serve the Mapping without it.
   */
  public static Checked<EmissaryMapping> servedMapping(
      String namespace, String name, Map<String, String> labels, Map<?, ?> spec) {
    Checked<EmissaryMapping> read = MappingReader.read(namespace, name, labels, spec);
    return read.value().map(EmissaryObjects::served).orElse(read);
  }

  /** One Host to serve: as read (every field it reads is served). */
  public static Checked<EmissaryHost> servedHost(
      String namespace, String name, Map<String, String> labels, Map<?, ?> spec) {
    return EmissaryHost.read(namespace, name, labels, spec);
  }

  private static Checked<EmissaryMapping> served(EmissaryMapping mapping) {
    List<String> errors = new ArrayList<>();
    mapping
        .notCarried()
        .forEach((field, why) -> errors.add("spec." + field + ": not served yet: " + why));
    return Checked.of(mapping, errors);
  }

  /** The string labels of {@code metadata}; a Host's selector can match only those. */
  private static Map<String, String> labels(Map<?, ?> metadata) {
    Map<String, String> labels = new java.util.LinkedHashMap<>();
    if (metadata.get("labels") instanceof Map<?, ?> map) {
      map.forEach(
          (key, value) -> {
            if (value instanceof String text) {
              labels.put(String.valueOf(key), text);
            }
          });
    }
    return labels;
  }

  private <T> void collect(Checked<T> checked, List<T> into, String prefix) {
    checked.value().ifPresent(into::add);
    checked.errors().forEach(error -> errors.add(prefix + error));
  }

  public List<EmissaryMapping> mappings() {
    return List.copyOf(mappings);
  }

  public List<EmissaryHost> hosts() {
    return List.copyOf(hosts);
  }

  public List<EmissaryListener> listeners() {
    return List.copyOf(listeners);
  }

  public List<EmissaryTlsContext> tlsContexts() {
    return List.copyOf(tlsContexts);
  }

  /** One TLSContext to serve: as read. */
  public static Checked<EmissaryTlsContext> servedTlsContext(
      String namespace, String name, Map<?, ?> spec) {
    return EmissaryTlsContext.read(namespace, name, spec);
  }

  /** One Listener to serve: as read (it has no field the migration only reports). */
  public static Checked<EmissaryListener> servedListener(
      String namespace, String name, Map<?, ?> spec) {
    return EmissaryListener.read(namespace, name, spec);
  }

  public List<String> errors() {
    return List.copyOf(errors);
  }
}
