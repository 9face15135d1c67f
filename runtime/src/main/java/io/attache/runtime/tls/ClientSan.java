package io.attache.runtime.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * {@code GRPC_CLIENT_TLS_SAN}: the name a client certificate must carry, checked as the reference
 * rate-limit service checks it (envoyproxy/ratelimit {@code src/server/server_impl.go} verifies the
 * client chain with Go's {@code x509.VerifyOptions.DNSName}, i.e. {@code
 * Certificate.VerifyHostname}): an IP address matches an IP SAN; a name matches a DNS SAN
 * case-insensitively, ignoring one trailing dot, where a SAN's leftmost label {@code *} stands for
 * exactly one label. The subject's common name is never consulted (Go stopped in 1.15). Beyond the
 * reference, a value with a scheme ({@code spiffe://cluster.local/ns/edge/sa/envoy}) matches a URI
 * SAN exactly, which is how mesh workload identities are named.
 */
record ClientSan(String expected) {
  private static final int DNS = 2;
  private static final int URI = 6;
  private static final int IP = 7;

  boolean matches(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    if (names == null) {
      return false;
    }
    InetAddress address = ipAddress(expected);
    for (List<?> name : names) {
      int type = (Integer) name.get(0);
      String value = String.valueOf(name.get(1));
      boolean match =
          switch (type) {
            case IP -> address != null && address.equals(ipAddress(value));
            case DNS -> address == null && hostnameMatches(value, expected);
            case URI -> expected.contains("://") && value.equals(expected);
            default -> false;
          };
      if (match) {
        return true;
      }
    }
    return false;
  }

  static boolean hostnameMatches(String pattern, String host) {
    String[] patternLabels = trimDot(pattern).toLowerCase(Locale.ROOT).split("\\.", -1);
    String[] hostLabels = trimDot(host).toLowerCase(Locale.ROOT).split("\\.", -1);
    if (patternLabels.length != hostLabels.length || hostLabels[0].isEmpty()) {
      return false;
    }
    for (int i = 0; i < patternLabels.length; i++) {
      if (i == 0 && patternLabels[i].equals("*")) {
        continue;
      }
      if (!patternLabels[i].equals(hostLabels[i])) {
        return false;
      }
    }
    return true;
  }

  private static String trimDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  /** The address a literal names, or null: never a DNS lookup. */
  private static InetAddress ipAddress(String text) {
    String literal =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    boolean v4 = literal.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = literal.contains(":") && literal.matches("[0-9A-Fa-f:.]+");
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
