package io.attache.controlplane.source;

import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.TlsOptions;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Reads an HTTPS listener's {@code tls.options} into {@link TlsOptions}. Every key is Attaché's
 * ({@code attache.io/...}); another is refused rather than ignored, since the listener would
 * otherwise terminate TLS other than asked.
 */
final class ListenerTlsOptions {
  private static final Set<String> KEYS =
      Set.of(
          TlsOptions.MIN_VERSION,
          TlsOptions.MAX_VERSION,
          TlsOptions.CIPHER_SUITES,
          TlsOptions.ECDH_CURVES,
          TlsOptions.ALPN);

  /**
   * The TLS 1.0-1.2 cipher suites BoringSSL, and so Envoy, knows by name; Envoy refuses a listener
   * naming another. TLS 1.3's suites cannot be chosen at all.
   */
  private static final Set<String> CIPHERS =
      Set.of(
          "ECDHE-ECDSA-AES128-GCM-SHA256",
          "ECDHE-RSA-AES128-GCM-SHA256",
          "ECDHE-ECDSA-AES256-GCM-SHA384",
          "ECDHE-RSA-AES256-GCM-SHA384",
          "ECDHE-ECDSA-CHACHA20-POLY1305",
          "ECDHE-RSA-CHACHA20-POLY1305",
          "ECDHE-PSK-CHACHA20-POLY1305",
          "ECDHE-ECDSA-AES128-SHA",
          "ECDHE-RSA-AES128-SHA",
          "ECDHE-PSK-AES128-CBC-SHA",
          "ECDHE-ECDSA-AES256-SHA",
          "ECDHE-RSA-AES256-SHA",
          "ECDHE-PSK-AES256-CBC-SHA",
          "AES128-GCM-SHA256",
          "AES256-GCM-SHA384",
          "AES128-SHA",
          "PSK-AES128-CBC-SHA",
          "AES256-SHA",
          "PSK-AES256-CBC-SHA",
          "DES-CBC3-SHA");

  private static final Set<String> TLS13_CIPHERS =
      Set.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  /** The curves BoringSSL knows by name. */
  private static final Set<String> CURVES =
      Set.of(
          "X25519", "P-224", "P-256", "P-384", "P-521", "X25519Kyber768Draft00", "X25519MLKEM768");

  /** Envoy's minimum for a server when none is set. */
  private static final String ENVOY_DEFAULT_MINIMUM = "1.2";

  private ListenerTlsOptions() {}

  /** An HTTPS listener's certificate Secrets ({@code namespace/name}) and TLS options. */
  record Terminated(List<String> secrets, TlsOptions options) {}

  /**
   * The TLS of a listener of protocol {@code parsed}: an HTTPS one terminates with its certificate
   * Secrets and options, a TLS one passes through; each problem refuses the listener.
   */
  static Terminated terminated(
      Listener listener,
      GatewayState.Protocol parsed,
      String namespace,
      String path,
      GatewayConverter.ListenerProblems problems) {
    List<String> secrets = new ArrayList<>();
    TlsOptions tlsOptions = TlsOptions.DEFAULTS;
    if (parsed == GatewayState.Protocol.HTTPS) {
      var tls = listener.getTls();
      tlsOptions =
          ListenerTlsOptions.read(
              tls == null ? null : tls.getOptions(),
              path + ".tls.options",
              (field, reason) ->
                  problems.refuse(field, GatewayConverter.ACCEPTED, "UnsupportedValue", reason));
      String mode = tls == null || tls.getMode() == null ? "Terminate" : tls.getMode();
      if (!mode.equals("Terminate")) {
        problems.refuse(
            path + ".tls.mode",
            GatewayConverter.ACCEPTED,
            "UnsupportedValue",
            "must be Terminate for HTTPS, was '" + mode + "'");
      }
      var refs =
          tls == null
              ? List.<io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference>of()
              : HttpRouteConverter.orEmpty(tls.getCertificateRefs());
      if (refs.isEmpty()) {
        problems.refuse(
            path + ".tls.certificateRefs",
            GatewayConverter.RESOLVED_REFS,
            "InvalidCertificateRef",
            "an HTTPS listener needs at least one certificate Secret");
      }
      for (int r = 0; r < refs.size(); r++) {
        var ref = refs.get(r);
        boolean secret =
            (ref.getGroup() == null || ref.getGroup().isEmpty())
                && (ref.getKind() == null || ref.getKind().equals("Secret"));
        if (!secret || ref.getName() == null || ref.getName().isBlank()) {
          problems.refuse(
              path + ".tls.certificateRefs[" + r + "]",
              GatewayConverter.RESOLVED_REFS,
              "InvalidCertificateRef",
              "must name a Secret (group \"\", kind Secret)");
        } else {
          secrets.add(
              (ref.getNamespace() == null ? namespace : ref.getNamespace()) + "/" + ref.getName());
        }
      }
    } else if (parsed == GatewayState.Protocol.TLS) {
      var tls = listener.getTls();
      String mode = tls == null || tls.getMode() == null ? "Terminate" : tls.getMode();
      if (!mode.equals("Passthrough")) {
        problems.refuse(
            path + ".tls.mode",
            GatewayConverter.ACCEPTED,
            "UnsupportedValue",
            "must be Passthrough for TLS (terminate TLS with an HTTPS listener), was '"
                + mode
                + "'");
      }
    } else if (listener.getTls() != null && parsed != null) {
      problems.refuse(
          path + ".tls",
          GatewayConverter.ACCEPTED,
          "UnsupportedValue",
          "only an HTTPS or TLS listener may have tls");
    }
    return new Terminated(secrets, tlsOptions);
  }

  /**
   * The options at {@code path} ({@code spec.listeners[i].tls.options}); each problem to {@code
   * refuse} as (field, reason).
   */
  static TlsOptions read(
      Map<String, String> options, String path, BiConsumer<String, String> refuse) {
    if (options == null || options.isEmpty()) {
      return TlsOptions.DEFAULTS;
    }
    for (String key : options.keySet()) {
      if (!KEYS.contains(key)) {
        refuse.accept(
            path + "[" + key + "]",
            "not an option Attaché knows ("
                + String.join(", ", KEYS.stream().sorted().toList())
                + ")");
      }
    }
    Optional<String> min = version(options, TlsOptions.MIN_VERSION, path, refuse);
    Optional<String> max = version(options, TlsOptions.MAX_VERSION, path, refuse);
    if (min.isPresent()
        && max.isPresent()
        && TlsOptions.VERSIONS.indexOf(min.get()) > TlsOptions.VERSIONS.indexOf(max.get())) {
      refuse.accept(path + "[" + TlsOptions.MAX_VERSION + "]", "must not be below the minimum");
    } else if (min.isEmpty()
        && max.isPresent()
        && TlsOptions.VERSIONS.indexOf(max.get())
            < TlsOptions.VERSIONS.indexOf(ENVOY_DEFAULT_MINIMUM)) {
      refuse.accept(
          path + "[" + TlsOptions.MAX_VERSION + "]",
          "is below Envoy's default minimum, 1.2: set " + TlsOptions.MIN_VERSION + " too");
    }
    List<String> ciphers = list(options, TlsOptions.CIPHER_SUITES, path, refuse);
    for (String cipher : ciphers) {
      // "[A|B]" is BoringSSL's group of equally preferred suites
      for (String name : cipher.replaceAll("^\\[|\\]$", "").split("\\|")) {
        if (TLS13_CIPHERS.contains(name)) {
          refuse.accept(
              path + "[" + TlsOptions.CIPHER_SUITES + "]",
              name + " is a TLS 1.3 suite, which Envoy does not let one choose");
        } else if (!CIPHERS.contains(name)) {
          refuse.accept(
              path + "[" + TlsOptions.CIPHER_SUITES + "]", name + " is not a suite Envoy knows");
        }
      }
    }
    List<String> curves = list(options, TlsOptions.ECDH_CURVES, path, refuse);
    for (String curve : curves) {
      if (!CURVES.contains(curve)) {
        refuse.accept(
            path + "[" + TlsOptions.ECDH_CURVES + "]", curve + " is not a curve Envoy knows");
      }
    }
    return new TlsOptions(min, max, ciphers, curves, list(options, TlsOptions.ALPN, path, refuse));
  }

  private static Optional<String> version(
      Map<String, String> options, String key, String path, BiConsumer<String, String> refuse) {
    String value = options.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!TlsOptions.VERSIONS.contains(value)) {
      refuse.accept(path + "[" + key + "]", "must be 1.0, 1.1, 1.2 or 1.3, was '" + value + "'");
      return Optional.empty();
    }
    return Optional.of(value);
  }

  /** A comma-separated list; an empty item is refused. */
  private static List<String> list(
      Map<String, String> options, String key, String path, BiConsumer<String, String> refuse) {
    String value = options.get(key);
    if (value == null) {
      return List.of();
    }
    List<String> items = new ArrayList<>();
    for (String item : Arrays.asList(value.split(",", -1))) {
      String trimmed = item.strip();
      if (trimmed.isEmpty()) {
        refuse.accept(path + "[" + key + "]", "a comma-separated list without empty items");
        return List.of();
      }
      items.add(trimmed);
    }
    return items;
  }
}
