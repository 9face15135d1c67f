package io.attache.controlplane.validate;

import com.google.common.net.InetAddresses;
import io.envoyproxy.pgv.validate.Validate.KnownRegex;
import io.envoyproxy.pgv.validate.Validate.StringRules;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * PGV's well-known string formats: header names and values (strict, RFC 7230, or only free of NUL,
 * CR and LF), hostnames, IP addresses, URIs, UUIDs and e-mail addresses.
 */
final class WellKnown {
  private static final Pattern LABEL =
      Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$");
  private static final Pattern UUID =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");

  private WellKnown() {}

  static void check(StringRules rules, String value, Path path, List<Violation> out) {
    boolean holds =
        switch (rules.getWellKnownCase()) {
          case WELL_KNOWN_REGEX -> header(rules.getWellKnownRegex(), rules.getStrict(), value);
          case HOSTNAME -> !rules.getHostname() || hostname(value);
          case IP -> !rules.getIp() || ipv4(value) || ipv6(value);
          case IPV4 -> !rules.getIpv4() || ipv4(value);
          case IPV6 -> !rules.getIpv6() || ipv6(value);
          case ADDRESS -> !rules.getAddress() || hostname(value) || ipv4(value) || ipv6(value);
          case URI -> !rules.getUri() || uri(value, true);
          case URI_REF -> !rules.getUriRef() || uri(value, false);
          case UUID -> !rules.getUuid() || UUID.matcher(value).matches();
          case EMAIL -> !rules.getEmail() || EMAIL.matcher(value).matches();
          default -> true;
        };
    if (!holds) {
      String rule =
          rules.getWellKnownCase() == StringRules.WellKnownCase.WELL_KNOWN_REGEX
              ? "string.well_known_regex = "
                  + rules.getWellKnownRegex()
                  + (rules.getStrict() ? "" : " (strict: false)")
              : "string." + rules.getWellKnownCase().name().toLowerCase(java.util.Locale.ROOT);
      out.add(new Violation(path.toString(), rule, "was '" + value + "'"));
    }
  }

  /**
   * PGV's header expressions, as loops: a regular expression per header name and value was a tenth
   * of checking a 50,000-Service state. Strict names: {@code ^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$};
   * strict values: no control character but tab; loose: no NUL, CR or LF.
   */
  private static boolean header(KnownRegex regex, boolean strict, String value) {
    return switch (regex) {
      case HTTP_HEADER_NAME -> strict ? strictName(value) : loose(value);
      case HTTP_HEADER_VALUE -> strict ? strictValue(value) : loose(value);
      default -> true;
    };
  }

  private static boolean strictName(String value) {
    int from = value.startsWith(":") ? 1 : 0;
    if (value.length() == from) {
      return false;
    }
    for (int i = from; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean token =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || "!#$%&'*+-.^_|~`".indexOf(c) >= 0;
      if (!token) {
        return false;
      }
    }
    return true;
  }

  private static boolean strictValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7F) {
        return false;
      }
    }
    return true;
  }

  private static boolean loose(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0 || c == '\n' || c == '\r') {
        return false;
      }
    }
    return true;
  }

  private static boolean hostname(String value) {
    String host = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
    if (host.isEmpty() || host.length() > 253) {
      return false;
    }
    for (String label : host.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  // Guava parses address literals without a DNS lookup.
  private static boolean ipv4(String value) {
    return !value.contains(":") && InetAddresses.isInetAddress(value);
  }

  private static boolean ipv6(String value) {
    return value.contains(":") && InetAddresses.isInetAddress(value);
  }

  private static boolean uri(String value, boolean absolute) {
    try {
      URI uri = new URI(value);
      return !absolute || uri.isAbsolute();
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
