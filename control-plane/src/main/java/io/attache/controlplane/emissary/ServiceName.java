package io.attache.controlplane.emissary;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Mapping's {@code service} as a Kubernetes Service: {@code [scheme://]name[.namespace[.svc[.
 * cluster.local]]][:port]}, the port 80 (443 for {@code https://}) unless given, the namespace the
 * Mapping's own unless given (irbasemapping.py {@code normalize_service_name}).
 */
record ServiceName(String name, String namespace, int port, boolean tls) {
  private static final Pattern SERVICE =
      Pattern.compile(
          "(?:(https?)://)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)"
              + "(?:\\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?:\\.svc(?:\\.cluster\\.local)?)?)?"
              + "(?::([0-9]{1,5}))?");

  /** A Mapping's service, TLS when it says {@code https://} or has {@code tls}. */
  static Optional<ServiceName> of(EmissaryMapping mapping) {
    return parse(mapping.service(), mapping.namespace(), mapping.notCarried().containsKey("tls"));
  }

  /**
   * {@code service}, in {@code mappingNamespace} unless it names one; {@code tlsField}: the
   * Mapping's {@code tls} (a TLSContext, or {@code true}) makes Emissary originate TLS to a
   * scheme-less service too, and so default its port to 443 (ircluster.py).
   */
  static Optional<ServiceName> parse(String service, String mappingNamespace, boolean tlsField) {
    Matcher m = SERVICE.matcher(service);
    if (!m.matches()) {
      return Optional.empty();
    }
    // With a context, even http:// originates TLS (ircluster.py, with an error it logs).
    boolean tls = "https".equals(m.group(1)) || tlsField;
    int port = m.group(6) != null ? Integer.parseInt(m.group(6)) : tls ? 443 : 80;
    if (port < 1 || port > 65535) {
      return Optional.empty();
    }
    return Optional.of(
        new ServiceName(m.group(2), m.group(4) != null ? m.group(4) : mappingNamespace, port, tls));
  }
}
