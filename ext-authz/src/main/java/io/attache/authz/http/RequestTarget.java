package io.attache.authz.http;

/**
 * The path and query of a request target exactly as sent: nothing decoded, nothing rejected. A
 * target {@code java.net.URI} refuses (an unencoded {@code {"a":1}} in a query, a {@code %zz}) is
 * still a request Envoy forwarded, and the policy decides on it; percent-decoding, where a
 * credential source wants it, happens there and tolerates bad escapes.
 *
 * @param path the path, up to {@code ?} or {@code #}
 * @param query the query without {@code ?}, up to {@code #}; empty if none
 */
record RequestTarget(String path, String query) {

  /**
   * Splits as {@code URI.getRawPath()} and {@code getRawQuery()} do for a target {@code URI}
   * accepts: a fragment is dropped, and an absolute-form target ({@code http://host/p}) keeps only
   * its path.
   */
  static RequestTarget parse(String target) {
    int hash = target.indexOf('#');
    String beforeFragment = hash < 0 ? target : target.substring(0, hash);
    int question = beforeFragment.indexOf('?');
    String path = question < 0 ? beforeFragment : beforeFragment.substring(0, question);
    String query = question < 0 ? "" : beforeFragment.substring(question + 1);
    return new RequestTarget(withoutSchemeAndAuthority(path), query);
  }

  private static String withoutSchemeAndAuthority(String path) {
    if (path.startsWith("/")) {
      return path;
    }
    int separator = path.indexOf("://");
    if (separator <= 0 || !isScheme(path.substring(0, separator))) {
      return path; // "*" (OPTIONS) or something odd: as sent
    }
    int slash = path.indexOf('/', separator + 3);
    return slash < 0 ? "" : path.substring(slash);
  }

  /** RFC 3986 section 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
  private static boolean isScheme(String text) {
    if (!Character.isLetter(text.charAt(0))) {
      return false;
    }
    return text.chars()
        .allMatch(
            c -> (c < 128 && Character.isLetterOrDigit(c)) || c == '+' || c == '-' || c == '.');
  }
}
