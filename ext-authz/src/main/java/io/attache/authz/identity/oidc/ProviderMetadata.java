package io.attache.authz.identity.oidc;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The endpoints an OpenID provider advertises (OpenID Connect Discovery 1.0 section 3).
 *
 * @param endSession for RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0), when offered
 */
public record ProviderMetadata(
    String issuer, URI authorization, URI token, Optional<URI> endSession) {

  /**
   * Reads a discovery document for {@code issuer}.
   *
   * @throws IllegalArgumentException naming what is missing or wrong
   */
  static ProviderMetadata of(String issuer, Map<String, Object> document, boolean allowHttp) {
    Object named = document.get("issuer");
    if (!(named instanceof String text) || !trimmed(text).equals(trimmed(issuer))) {
      // Discovery section 4.3: the issuer must be the one asked about.
      throw new IllegalArgumentException("the discovery document names another issuer");
    }
    return new ProviderMetadata(
        issuer,
        endpoint(document, "authorization_endpoint", allowHttp)
            .orElseThrow(() -> new IllegalArgumentException("no authorization_endpoint")),
        endpoint(document, "token_endpoint", allowHttp)
            .orElseThrow(() -> new IllegalArgumentException("no token_endpoint")),
        endpoint(document, "end_session_endpoint", allowHttp));
  }

  private static Optional<URI> endpoint(
      Map<String, Object> document, String name, boolean allowHttp) {
    if (!(document.get(name) instanceof String text)) {
      return Optional.empty();
    }
    URI uri = URI.create(text);
    if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && allowHttp)) {
      throw new IllegalArgumentException(name + " is not https (allowHttp is not set)");
    }
    return Optional.of(uri);
  }

  private static String trimmed(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
