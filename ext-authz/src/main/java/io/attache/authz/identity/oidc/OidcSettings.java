package io.attache.authz.identity.oidc;

import io.attache.authz.identity.jwt.JwtVerifier;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One policy's browser login.
 *
 * @param idTokens verifies ID tokens: the provider's keys, its issuer, audience the client id
 * @param callbackPath where the provider sends the browser back ({@code redirect_uri}'s path, on
 *     the host being logged in to)
 * @param logoutPath clears the session and goes on to the provider's logout, when it has one
 * @param postLogoutRedirect where the browser lands after logging out
 * @param cookieName the session cookie; the login in progress is {@code <name>_login}
 * @param sealer the keys in force (they rotate), read per request
 * @param apiClientHeader a request header that marks an API client (answered 401, never sent to log
 *     in) besides the lack of {@code text/html} in {@code Accept}
 * @param timeout for one call to the token endpoint
 */
public record OidcSettings(
    OidcProvider provider,
    String clientId,
    Supplier<String> clientSecret,
    JwtVerifier idTokens,
    List<String> scopes,
    String callbackPath,
    String logoutPath,
    String postLogoutRedirect,
    String cookieName,
    Supplier<SessionSealer> sealer,
    Optional<String> apiClientHeader,
    Duration timeout) {
  public static final Duration LOGIN_LIFETIME = Duration.ofMinutes(10);

  /** Browsers drop cookies over about 4 KiB (RFC 6265 section 6.1 asks for at least 4096 bytes). */
  static final int MAX_COOKIE_BYTES = 4_000;

  public OidcSettings {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    Objects.requireNonNull(idTokens, "idTokens");
    scopes = List.copyOf(scopes);
    Objects.requireNonNull(callbackPath, "callbackPath");
    Objects.requireNonNull(logoutPath, "logoutPath");
    Objects.requireNonNull(postLogoutRedirect, "postLogoutRedirect");
    Objects.requireNonNull(cookieName, "cookieName");
    Objects.requireNonNull(sealer, "sealer");
    Objects.requireNonNull(apiClientHeader, "apiClientHeader");
    Objects.requireNonNull(timeout, "timeout");
  }

  String loginCookieName() {
    return cookieName + "_login";
  }

  /** What a cookie of this policy is sealed for ({@link #binding}). */
  String boundTo(String name) {
    return binding(name, provider.issuer(), clientId);
  }

  /**
   * The associated data a cookie is sealed with: its name, the provider and the client. A session
   * sealed for one policy's provider or client does not open for another's, even where both share
   * the keys and the cookie name.
   */
  public static String binding(String cookieName, String issuer, String clientId) {
    return cookieName + "\n" + issuer + "\n" + clientId;
  }
}
