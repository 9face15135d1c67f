package io.attache.controlplane.emissary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An Emissary {@code Host}: a hostname served over HTTPS with {@code tlsSecret}, and what is done
 * with plaintext requests for it ({@code requestPolicy.insecure.action}: {@code Redirect} to HTTPS,
 * Emissary's default, {@code Route} them like secure ones, or {@code Reject}).
 *
 * @param tlsSecret the TLS Secret's namespace and name
 */
public record EmissaryHost(
    String namespace,
    String name,
    String hostname,
    Optional<List<String>> tlsSecret,
    Insecure insecure,
    Map<String, String> notCarried) {

  public EmissaryHost {
    notCarried = Map.copyOf(notCarried);
  }

  /** What plaintext requests for the host get. */
  public enum Insecure {
    REDIRECT,
    ROUTE,
    REJECT
  }

  public String key() {
    return namespace + "/" + name;
  }

  private static final Set<String> READ =
      Set.of(
          "ambassador_id", "hostname", "tlsSecret", "requestPolicy", "mappingSelector", "selector");

  private static final Set<String> REFUSED =
      Set.of("acmeProvider", "tlsContext", "tls", "previewUrl", "generation");

  /** Reads one Host's spec, or every error found in it. */
  static Checked<EmissaryHost> read(String namespace, String name, Map<?, ?> spec) {
    List<String> errors = new ArrayList<>();
    SpecFields fields = new SpecFields(spec, errors);
    fields.refuseUnknown(READ, REFUSED, "Host");
    String hostname = fields.string("hostname").orElse("*");
    Optional<List<String>> secret =
        fields
            .object("tlsSecret")
            .flatMap(
                ref -> {
                  if (!(ref.get("name") instanceof String secretName) || secretName.isEmpty()) {
                    fields.error("tlsSecret.name", "required, a string");
                    return Optional.empty();
                  }
                  Object in = ref.get("namespace");
                  return Optional.of(
                      List.of(
                          in instanceof String ns && !ns.isEmpty() ? ns : namespace, secretName));
                });
    Insecure insecure = insecure(fields);
    Map<String, String> notCarried = new java.util.LinkedHashMap<>();
    if (fields.has("mappingSelector") || fields.has("selector")) {
      notCarried.put(
          "mappingSelector",
          "Mappings are attached to Hosts by hostname; label selection is not carried over yet");
    }
    return Checked.of(
        new EmissaryHost(namespace, name, hostname, secret, insecure, notCarried), errors);
  }

  private static Insecure insecure(SpecFields fields) {
    Optional<Map<?, ?>> policy = fields.object("requestPolicy");
    if (policy.isEmpty()) {
      return Insecure.REDIRECT;
    }
    Object insecure = policy.get().get("insecure");
    if (insecure == null) {
      return Insecure.REDIRECT;
    }
    Object action = insecure instanceof Map<?, ?> map ? map.get("action") : null;
    if (action == null) {
      return Insecure.REDIRECT;
    }
    switch (String.valueOf(action)) {
      case "Redirect":
        return Insecure.REDIRECT;
      case "Route":
        return Insecure.ROUTE;
      case "Reject":
        return Insecure.REJECT;
      default:
        fields.error("requestPolicy.insecure.action", "must be Redirect, Route or Reject");
        return Insecure.REDIRECT;
    }
  }
}
