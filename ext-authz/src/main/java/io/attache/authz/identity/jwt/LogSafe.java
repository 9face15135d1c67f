package io.attache.authz.identity.jwt;

/**
 * Renders short strings that came from an unverified token (a {@code kid}, an {@code alg}, a claim
 * name) for a log line: printable ASCII only and bounded, so a hostile token cannot forge log lines
 * or flood them. Never used for the token itself or claim values.
 */
final class LogSafe {
  private static final int MAX = 64;

  private LogSafe() {}

  static String quote(String untrusted) {
    StringBuilder out = new StringBuilder(Math.min(untrusted.length(), MAX) + 3).append('"');
    for (int i = 0; i < untrusted.length() && i < MAX; i++) {
      char c = untrusted.charAt(i);
      out.append(c >= 0x20 && c < 0x7f && c != '"' ? c : '?');
    }
    if (untrusted.length() > MAX) {
      out.append("...");
    }
    return out.append('"').toString();
  }
}
