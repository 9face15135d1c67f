package io.attache.authz.identity.oidc;

import java.util.Optional;

/** Cookies as browsers send them (RFC 6265 section 5.4) and as we set them (section 4.1). */
final class Cookies {
  private Cookies() {}

  /** The value of cookie {@code name} in a {@code Cookie} header. */
  static Optional<String> get(Optional<String> header, String name) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    for (String pair : header.get().split(";")) {
      String trimmed = pair.strip();
      int equals = trimmed.indexOf('=');
      if (equals > 0 && trimmed.substring(0, equals).equals(name)) {
        return Optional.of(trimmed.substring(equals + 1));
      }
    }
    return Optional.empty();
  }

  /**
   * A {@code Set-Cookie} value: never readable by scripts, sent on top-level navigations from
   * elsewhere (so the provider's redirect back carries the login cookie) but not on cross-site
   * subrequests, and only over TLS when the request came over TLS.
   *
   * @param maxAgeSeconds negative: a session cookie, kept until the browser closes; 0: delete it
   */
  static String set(String name, String value, long maxAgeSeconds, boolean secure) {
    return name
        + "="
        + value
        + "; Path=/; HttpOnly; SameSite=Lax"
        + (secure ? "; Secure" : "")
        + (maxAgeSeconds >= 0 ? "; Max-Age=" + maxAgeSeconds : "");
  }
}
