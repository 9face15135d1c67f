package io.attache.controlplane.emissary;

import io.attache.controlplane.model.TlsOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An Emissary {@code TLSContext} (pkg/api/getambassador.io/v3alpha1/crd_tlscontext.go): how TLS is
 * terminated for the Hosts that use it (ir/irhost.py: the one a Host names in {@code tlsContext},
 * else the one named {@code <host>-context}), as the HTTPS listener's {@code tls.options} ({@link
 * TlsOptions}). Client certificates, files and SNI are refused, naming the field.
 *
 * @param hosts the hostnames (or Host names) it may serve; empty for any
 * @param secret the TLS Secret it names, which must be the Host's
 */
public record EmissaryTlsContext(
    String namespace,
    String name,
    List<String> hosts,
    Optional<String> secret,
    TlsOptions options) {

  public EmissaryTlsContext {
    hosts = List.copyOf(hosts);
  }

  public String key() {
    return namespace + "/" + name;
  }

  private static final Set<String> READ =
      Set.of(
          "ambassador_id",
          "hosts",
          "secret",
          "alpn_protocols",
          "min_tls_version",
          "max_tls_version",
          "cipher_suites",
          "ecdh_curves",
          "secret_namespacing");

  /** What Attaché does not serve: client certificates, certificates from files, SNI, redirects. */
  static final Set<String> REFUSED =
      Set.of(
          "cert_chain_file",
          "private_key_file",
          "ca_secret",
          "cacert_chain_file",
          "crl_secret",
          "cert_required",
          "redirect_cleartext_from",
          "sni");

  static Checked<EmissaryTlsContext> read(String namespace, String name, Map<?, ?> spec) {
    List<String> errors = new ArrayList<>();
    SpecFields fields = new SpecFields(spec, errors);
    fields.refuseUnknown(READ, REFUSED, "TLSContext");
    if (fields.has("secret_namespacing") && !fields.bool("secret_namespacing")) {
      fields.error("secret_namespacing", "only true (the default) is served");
    }
    TlsOptions options = options(fields);
    return Checked.of(
        new EmissaryTlsContext(
            namespace, name, fields.stringList("hosts"), fields.string("secret"), options),
        errors);
  }

  /**
   * The TLS settings of a TLSContext or a Host's inline {@code tls}: {@code min_tls_version} and
   * {@code max_tls_version} ({@code v1.0} to {@code v1.3}, irtlscontext.py AllowedTLSVersions),
   * {@code cipher_suites}, {@code ecdh_curves}, and {@code alpn_protocols} (comma-separated).
   */
  static TlsOptions options(SpecFields fields) {
    Optional<String> min = version(fields, "min_tls_version");
    Optional<String> max = version(fields, "max_tls_version");
    List<String> alpn = new ArrayList<>();
    fields
        .string("alpn_protocols")
        .ifPresent(
            text -> {
              for (String protocol : text.split(",")) {
                if (!protocol.isBlank()) {
                  alpn.add(protocol.strip());
                }
              }
            });
    return new TlsOptions(
        min, max, fields.stringList("cipher_suites"), fields.stringList("ecdh_curves"), alpn);
  }

  private static Optional<String> version(SpecFields fields, String field) {
    Optional<String> version = fields.string(field);
    if (version.isEmpty()) {
      return Optional.empty();
    }
    String bare = version.get().startsWith("v") ? version.get().substring(1) : "";
    if (!TlsOptions.VERSIONS.contains(bare)) {
      fields.error(field, "must be v1.0, v1.1, v1.2 or v1.3, was " + version.get());
      return Optional.empty();
    }
    return Optional.of(bare);
  }
}
