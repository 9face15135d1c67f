package io.attache.controlplane.emissary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * An Emissary {@code Listener} ({@code getambassador.io/v3alpha1}, pkg/api/getambassador.io/
 * v3alpha1/crd_listener.go): a port, HTTP or HTTPS on it, how a request's security is decided, and
 * which Hosts it serves. Emissary listens on nothing without one; with none at all, Attaché takes
 * the two its Helm chart installs ({@link #CHART_DEFAULTS}).
 *
 * @param securityModel {@code SECURE}: every request on the port is secure (TLS ended in front of
 *     it), {@code INSECURE}: none is, {@code XFP}: as {@code X-Forwarded-Proto} says, which Attaché
 *     reads as the connection does (secure over TLS), the only reading without a proxy in front
 * @param allNamespaces {@code hostBinding.namespace.from: ALL}; else {@code SELF}, the Listener's
 * @param hostSelector {@code hostBinding.selector.matchLabels}, when given
 */
public record EmissaryListener(
    String namespace,
    String name,
    int port,
    Protocol protocol,
    SecurityModel securityModel,
    boolean allNamespaces,
    Optional<Map<String, String>> hostSelector) {

  public EmissaryListener {
    hostSelector = hostSelector.map(Map::copyOf);
  }

  /** The protocols Attaché's Gateway listeners speak. */
  public enum Protocol {
    HTTP,
    HTTPS
  }

  /** How a request's security is decided ({@code securityModel}). */
  public enum SecurityModel {
    XFP,
    SECURE,
    INSECURE
  }

  /**
   * What Emissary's Helm chart creates: 8080 HTTP and 8443 HTTPS, both {@code XFP}, for Hosts of
   * every namespace.
   */
  public static final List<EmissaryListener> CHART_DEFAULTS =
      List.of(
          new EmissaryListener(
              "", "http", 8080, Protocol.HTTP, SecurityModel.XFP, true, Optional.empty()),
          new EmissaryListener(
              "", "https", 8443, Protocol.HTTPS, SecurityModel.XFP, true, Optional.empty()));

  public String key() {
    return namespace + "/" + name;
  }

  /** Whether {@code host} is one of the Hosts this Listener serves ({@code hostBinding}). */
  public boolean binds(EmissaryHost host) {
    return (allNamespaces || host.namespace().equals(namespace))
        && hostSelector.map(s -> SpecFields.selects(s, host.metadataLabels())).orElse(true);
  }

  /** Whether requests on this port are secure for routing ({@link #securityModel}). */
  public boolean secure() {
    return securityModel == SecurityModel.SECURE
        || (securityModel == SecurityModel.XFP && protocol == Protocol.HTTPS);
  }

  private static final Set<String> READ =
      Set.of(
          "ambassador_id",
          "port",
          "protocol",
          "protocolStack",
          "securityModel",
          "hostBinding",
          "statsPrefix",
          "l7Depth");

  private static final Set<String> REFUSED = Set.of("http2MaxConcurrentStreams");

  /** Reads one Listener's spec, or every error found in it. */
  static Checked<EmissaryListener> read(String namespace, String name, Map<?, ?> spec) {
    List<String> errors = new ArrayList<>();
    SpecFields fields = new SpecFields(spec, errors);
    fields.refuseUnknown(READ, REFUSED, "Listener");
    OptionalInt port = fields.integer("port", 1, 65_535);
    if (port.isEmpty() && !fields.has("port")) {
      fields.error("port", "required");
    }
    Protocol protocol = protocol(fields);
    SecurityModel model = securityModel(fields);
    if (model == SecurityModel.INSECURE && protocol == Protocol.HTTPS) {
      fields.error(
          "securityModel",
          "INSECURE on an HTTPS port is not served (Emissary would send its Hosts' insecure"
              + " action over TLS)");
    }
    if (fields.integer("l7Depth", 0, Integer.MAX_VALUE).orElse(0) > 0
        && model == SecurityModel.XFP) {
      fields.error(
          "l7Depth",
          "with XFP behind a proxy, X-Forwarded-Proto decides security, which Gateway API"
              + " listeners cannot match on; use SECURE or INSECURE for that port");
    }
    fields.string("statsPrefix"); // Envoy's stat names only: checked, no effect on routing
    Optional<Map<?, ?>> binding = fields.object("hostBinding");
    boolean all = false;
    Optional<Map<String, String>> selector = Optional.empty();
    if (binding.isEmpty()) {
      fields.error("hostBinding", "required");
    } else {
      all = allNamespaces(fields, binding.get());
      selector = fields.selector("hostBinding.selector", binding.get().get("selector"), "Hosts");
    }
    return Checked.of(
        new EmissaryListener(namespace, name, port.orElse(0), protocol, model, all, selector),
        errors);
  }

  private static Protocol protocol(SpecFields fields) {
    Optional<String> protocol = fields.string("protocol");
    if (fields.has("protocolStack")) {
      fields.error(
          "protocolStack", "not served: use protocol HTTP or HTTPS (Attaché's Gateway listeners)");
    } else if (protocol.isEmpty()) {
      fields.error("protocol", "required, HTTP or HTTPS");
    }
    return switch (protocol.orElse("HTTP")) {
      case "HTTP" -> Protocol.HTTP;
      case "HTTPS" -> Protocol.HTTPS;
      default -> {
        fields.error(
            "protocol",
            "only HTTP and HTTPS are served (not the PROXY protocol, TCP, TLS or UDP), was "
                + protocol.get());
        yield Protocol.HTTP;
      }
    };
  }

  private static SecurityModel securityModel(SpecFields fields) {
    Optional<String> model = fields.string("securityModel");
    if (model.isEmpty()) {
      fields.error("securityModel", "required, XFP, SECURE or INSECURE");
      return SecurityModel.XFP;
    }
    try {
      return SecurityModel.valueOf(model.get());
    } catch (IllegalArgumentException e) {
      fields.error("securityModel", "must be XFP, SECURE or INSECURE, was " + model.get());
      return SecurityModel.XFP;
    }
  }

  /** irlistener.py: a namespace or a selector is required, and a namespace needs its from. */
  private static boolean allNamespaces(SpecFields fields, Map<?, ?> binding) {
    Object namespace = binding.get("namespace");
    if (namespace == null) {
      if (binding.get("selector") == null) {
        fields.error("hostBinding", "must have at least one of namespace or selector");
      }
      return false;
    }
    Object from = namespace instanceof Map<?, ?> map ? map.get("from") : null;
    if (from == null) {
      fields.error("hostBinding.namespace.from", "required, SELF or ALL");
      return false;
    }
    switch (String.valueOf(from).toUpperCase(java.util.Locale.ROOT)) {
      case "ALL":
        return true;
      case "SELF":
        return false;
      default:
        fields.error("hostBinding.namespace.from", "must be SELF or ALL, was " + from);
        return false;
    }
  }
}
