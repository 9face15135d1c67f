package io.attache.authz.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The client certificate's identity as Envoy forwards it in {@code x-forwarded-client-cert} (XFCC),
 * the only way HTTP mode learns of an mTLS peer. The header is a comma-separated list of elements,
 * each a semicolon-separated list of {@code key=value} pairs whose values may be double-quoted
 * (with {@code \"} inside); keys are {@code By}, {@code Hash}, {@code Cert}, {@code Chain}, {@code
 * Subject}, {@code URI} and {@code DNS} (Envoy's docs, http_conn_man/headers, x-forwarded-client-
 * cert).
 *
 * <p>Only the last element is read. With {@code forward_client_cert_details} {@code SANITIZE_SET}
 * it is the only one, and with {@code APPEND_FORWARD} Envoy appends it after whatever the client
 * sent; either way it describes the certificate Envoy verified. The principal is picked as Envoy
 * picks {@code source.principal} in gRPC mode: the URI SAN, else the DNS SAN, else the subject.
 * {@code By} is Envoy's own certificate and never the client's identity.
 */
final class ForwardedClientCert {
  private ForwardedClientCert() {}

  /** The principal of the last element, or empty if it names none or the header is malformed. */
  static Optional<String> principal(String header) {
    List<String> elements = split(header, ',');
    if (elements.isEmpty()) {
      return Optional.empty();
    }
    String uri = null;
    String dns = null;
    String subject = null;
    for (String pair : split(elements.get(elements.size() - 1), ';')) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        return Optional.empty();
      }
      String key = pair.substring(0, equals).trim().toLowerCase(Locale.ROOT);
      Optional<String> value = unquote(pair.substring(equals + 1).trim());
      if (value.isEmpty()) {
        return Optional.empty();
      }
      String text = value.get();
      if (text.isEmpty()) {
        continue;
      }
      // A certificate can carry several SANs of a kind; the first is the one Envoy reports.
      switch (key) {
        case "uri" -> uri = uri == null ? text : uri;
        case "dns" -> dns = dns == null ? text : dns;
        case "subject" -> subject = subject == null ? text : subject;
        default -> {}
      }
    }
    return Optional.ofNullable(uri != null ? uri : dns != null ? dns : subject);
  }

  /** Splits on {@code separator} outside double quotes; an unclosed quote yields nothing. */
  private static List<String> split(String text, char separator) {
    List<String> parts = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == separator) {
        addPart(parts, text.substring(start, i));
        start = i + 1;
      }
    }
    if (quoted) {
      return List.of();
    }
    addPart(parts, text.substring(start));
    return parts;
  }

  private static void addPart(List<String> parts, String part) {
    if (!part.isBlank()) {
      parts.add(part.trim());
    }
  }

  /** A bare value as it is; a quoted one without its quotes and escapes; empty if malformed. */
  private static Optional<String> unquote(String value) {
    if (!value.startsWith("\"")) {
      return value.indexOf('"') >= 0 ? Optional.empty() : Optional.of(value);
    }
    if (value.length() < 2 || !value.endsWith("\"")) {
      return Optional.empty();
    }
    StringBuilder text = new StringBuilder(value.length());
    for (int i = 1; i < value.length() - 1; i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length() - 1) {
        c = value.charAt(++i);
      } else if (c == '"') {
        return Optional.empty();
      }
      text.append(c);
    }
    return Optional.of(text.toString());
  }
}
