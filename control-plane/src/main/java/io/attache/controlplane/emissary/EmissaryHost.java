package io.attache.controlplane.emissary;

import io.attache.controlplane.model.TlsOptions;
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
 * @param metadataLabels the Host's own labels, which a Listener's {@code hostBinding} selects
 * @param tlsSecret the TLS Secret's namespace and name
 * @param tlsContext the TLSContext it names ({@code tlsContext.name}), in its namespace
 * @param tls its inline TLS settings ({@code tls}), the same as a TLSContext's
 * @param mappingSelector the {@code matchLabels} of its {@code mappingSelector} (v2: {@code
 *     selector}), empty for none; present and empty selects every Mapping
 */
public record EmissaryHost(
    String namespace,
    String name,
    Map<String, String> metadataLabels,
    String hostname,
    Optional<List<String>> tlsSecret,
    Insecure insecure,
    Optional<Map<String, String>> mappingSelector,
    Optional<String> tlsContext,
    Optional<TlsOptions> tls) {

  public EmissaryHost {
    metadataLabels = Map.copyOf(metadataLabels);
    mappingSelector = mappingSelector.map(Map::copyOf);
  }

  /**
   * Whether a Mapping with {@code hostname} (empty for none) and {@code labels} is this Host's, as
   * irhost.py {@code matches_httpgroup} decides with strict selectors (Emissary's default): with a
   * selector and a hostname both must match; with a selector alone the labels; with a hostname
   * alone the globs; with neither, nothing. A selector matches when every one of its labels is the
   * Mapping's (irutils.py {@code selector_matches}). A Mapping whose host is a regular expression
   * ({@code host_regex}) matches every Host's hostname, as irhost.py takes it (the regex is matched
   * on {@code :authority} instead).
   */
  public boolean serves(Optional<String> hostname, boolean hostRegex, Map<String, String> labels) {
    boolean named = hostname.isPresent() || hostRegex;
    boolean hostMatch =
        hostRegex || hostname.map(h -> HostListeners.globsMatch(this.hostname, h)).orElse(false);
    if (mappingSelector.isEmpty()) {
      return hostMatch;
    }
    boolean selected = SpecFields.selects(mappingSelector.get(), labels);
    return selected && (!named || hostMatch);
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
          "ambassador_id",
          "hostname",
          "tlsSecret",
          "requestPolicy",
          "mappingSelector",
          "selector",
          "tlsContext",
          "tls");

  private static final Set<String> REFUSED = Set.of("acmeProvider", "previewUrl", "generation");

  private static final Set<String> TLS_READ =
      Set.of(
          "alpn_protocols", "min_tls_version", "max_tls_version", "cipher_suites", "ecdh_curves");

  /** Reads one Host's spec, or every error found in it. */
  static Checked<EmissaryHost> read(
      String namespace, String name, Map<String, String> labels, Map<?, ?> spec) {
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
    String selectorField = fields.has("mappingSelector") ? "mappingSelector" : "selector";
    Optional<Map<String, String>> selector =
        fields.selector(selectorField, fields.raw(selectorField), "Mappings");
    Optional<String> context =
        fields
            .object("tlsContext")
            .flatMap(
                ref -> {
                  if (ref.get("name") instanceof String contextName && !contextName.isEmpty()) {
                    return Optional.of(contextName);
                  }
                  fields.error("tlsContext.name", "required, a string");
                  return Optional.empty();
                });
    Optional<TlsOptions> tls = fields.object("tls").map(map -> inlineTls(map, errors));
    if (context.isPresent() && tls.isPresent()) {
      fields.error("tls", "cannot be set with tlsContext (irhost.py uses one or the other)");
    }
    return Checked.of(
        new EmissaryHost(
            namespace, name, labels, hostname, secret, insecure, selector, context, tls),
        errors);
  }

  /** A Host's inline {@code tls}: a TLSContext's settings, its errors under {@code spec.tls}. */
  private static TlsOptions inlineTls(Map<?, ?> tls, List<String> errors) {
    List<String> own = new ArrayList<>();
    SpecFields fields = new SpecFields(tls, own);
    fields.refuseUnknown(TLS_READ, EmissaryTlsContext.REFUSED, "Host's tls");
    TlsOptions options = EmissaryTlsContext.options(fields);
    own.forEach(error -> errors.add(error.replaceFirst("^spec[.]", "spec.tls.")));
    return options;
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
