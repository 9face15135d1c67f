package io.attache.authz.identity.oidc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.attache.authz.core.CheckInput;
import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.Identity;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.core.RequestReads;
import io.attache.authz.identity.SharedCalls;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Browser login with OpenID Connect: a request with a good session cookie is its user, with the ID
 * token's claims; one whose session has expired is renewed with the refresh token; a browser
 * without a session is sent to the provider to log in ({@link LoginFlow}), and an API client (no
 * {@code text/html} in {@code Accept}, or the configured header) is left to the next method, so it
 * gets a 401 rather than a login page. The session lives in the sealed cookie alone: any replica
 * with the keys serves it, and no server keeps state.
 */
public final class OidcVerifier implements IdentityVerifier {
  static final String METHOD = "oidc";

  /**
   * Sessions already opened, by the cookie's exact value. A browser sends the same cookie on every
   * request until it is renewed, and opening one (base64, AES-GCM, JSON, the claims made plain)
   * cost about 6 µs of CPU per Check, as much as the rest of the Check. A cookie is only remembered
   * once it has opened with the keys in force, and its expiry is still checked on every request; a
   * rotated-out key stops opening new cookies at once, and remembered ones within {@link
   * #OPENED_FOR}.
   */
  static final int OPENED = 10_000;

  static final Duration OPENED_FOR = Duration.ofMinutes(5);

  private record Opened(SessionCookie session, IdentityResult.Authenticated identity) {}

  private final OidcSettings settings;
  private final Clock clock;
  private final LoginFlow flow;
  private final SharedCalls<String, IdentityResult> refreshing = new SharedCalls<>();
  private final Cache<String, Opened> opened =
      Caffeine.newBuilder().maximumSize(OPENED).expireAfterWrite(OPENED_FOR).build();

  public OidcVerifier(OidcSettings settings, HttpClient http, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.flow = new LoginFlow(settings, http, clock);
  }

  /**
   * The session cookie, and what tells a browser from an API client and the login's own paths from
   * the rest (answers at those paths, and redirects, are never remembered).
   */
  @Override
  public RequestReads reads() {
    RequestReads reads =
        RequestReads.header("cookie")
            .plus(RequestReads.header("accept"))
            .plus(
                RequestReads.fields(
                    RequestReads.Field.PATH, RequestReads.Field.HOST, RequestReads.Field.SCHEME));
    return settings.apiClientHeader().map(h -> reads.plus(RequestReads.header(h))).orElse(reads);
  }

  @Override
  public IdentityResult verify(CheckInput input) {
    HttpAttributes request = input.request();
    Optional<ProviderMetadata> provider = settings.provider().metadata();
    if (request.path().equals(settings.logoutPath())) {
      return flow.logout(input, provider);
    }
    if (request.path().equals(settings.callbackPath())) {
      return provider.isEmpty()
          ? LoginFlow.unavailable("the provider is not discovered yet")
          : flow.callback(input, provider.get());
    }
    Optional<String> cookie = Cookies.get(request.header("cookie"), settings.cookieName());
    Optional<Opened> known = cookie.map(this::open);
    Optional<SessionCookie> session = known.map(Opened::session);
    if (session.isPresent() && clock.instant().isBefore(session.get().expiresAt())) {
      return known.get().identity();
    }
    if (!browser(request)) {
      return IdentityResult.ABSENT;
    }
    if (provider.isEmpty()) {
      return LoginFlow.unavailable("the provider is not discovered yet");
    }
    if (session.isPresent() && session.get().refreshToken().isPresent()) {
      // One refresh per session at a time: a browser's parallel requests share it, since a
      // provider that rotates refresh tokens may revoke the session on a second use of one.
      CompletableFuture<IdentityResult> shared =
          refreshing.call(cookie.get(), v -> flow.refresh(session.get(), provider.get(), request));
      return new IdentityResult.Pending(
          shared.thenApply(
              renewed ->
                  renewed instanceof IdentityResult.Authenticated
                      ? renewed
                      : flow.redirectToLogin(input, provider.get())));
    }
    return flow.redirectToLogin(input, provider.get());
  }

  /** The session in a cookie value, opened once; null when it does not open. */
  private Opened open(String value) {
    Opened known = opened.getIfPresent(value);
    if (known != null) {
      return known;
    }
    Optional<SessionCookie> session =
        settings
            .sealer()
            .get()
            .open(settings.boundTo(settings.cookieName()), value)
            .flatMap(SessionCookie::of);
    if (session.isEmpty()) {
      return null;
    }
    Opened fresh =
        new Opened(
            session.get(),
            new IdentityResult.Authenticated(identity(session.get().claims(), settings)));
    opened.put(value, fresh);
    return fresh;
  }

  /** A browser navigating, not an API client: only those are sent to a login page. */
  private boolean browser(HttpAttributes request) {
    if (settings.apiClientHeader().flatMap(request::header).isPresent()) {
      return false;
    }
    return request
        .header("accept")
        .map(accept -> accept.toLowerCase(Locale.ROOT).contains("text/html"))
        .orElse(false);
  }

  /** The user the ID token's claims name: {@code sub}, method {@code oidc}. */
  static Identity identity(Map<String, Object> claims, OidcSettings settings) {
    Object subject = claims.get("sub");
    return new Identity(
        subject instanceof String sub ? sub : "", METHOD, claims, Map.of(), Optional.empty());
  }
}
