package io.attache.authz.identity.oidc;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Decision;
import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.Identity;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.ReasonCode;
import io.attache.authz.identity.ClientPost;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The authorization code flow with PKCE (OpenID Connect Core section 3.1; RFC 7636): the redirect
 * to the provider, the provider's redirect back with a code, the code exchanged for tokens at the
 * token endpoint, the ID token verified and its nonce checked, and the session cookie set; also
 * logout (OpenID Connect RP-Initiated Logout 1.0) and refresh (RFC 6749 section 6).
 */
final class LoginFlow {
  /** The least a new session lives when the provider says nothing of how long. */
  static final java.time.Duration MIN_SESSION = java.time.Duration.ofMinutes(1);

  private final OidcSettings settings;
  private final HttpClient http;
  private final Clock clock;

  LoginFlow(OidcSettings settings, HttpClient http, Clock clock) {
    this.settings = settings;
    this.http = http;
    this.clock = clock;
  }

  /** A 302 to the provider's authorization endpoint, the login's state in a cookie. */
  IdentityResult redirectToLogin(CheckInput input, ProviderMetadata provider) {
    HttpAttributes request = input.request();
    String returnTo = request.path() + (request.query().isEmpty() ? "" : "?" + request.query());
    LoginState login =
        LoginState.start(returnTo, clock.instant().plus(OidcSettings.LOGIN_LIFETIME));
    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", settings.clientId());
    query.put("redirect_uri", origin(request) + settings.callbackPath());
    query.put("scope", String.join(" ", settings.scopes()));
    query.put("state", login.state());
    query.put("nonce", login.nonce());
    query.put("code_challenge", login.codeChallenge());
    query.put("code_challenge_method", "S256");
    String cookie =
        Cookies.set(
            settings.loginCookieName(),
            settings
                .sealer()
                .get()
                .seal(settings.boundTo(settings.loginCookieName()), login.json()),
            OidcSettings.LOGIN_LIFETIME.toSeconds(),
            secure(request));
    return redirect(
        ReasonCode.LOGIN_REDIRECT,
        withQuery(provider.authorization(), query),
        List.of(cookie),
        null);
  }

  /** The provider's redirect back: the code exchanged, the session cookie set. */
  IdentityResult callback(CheckInput input, ProviderMetadata provider) {
    HttpAttributes request = input.request();
    Map<String, String> query = query(request.query());
    Optional<LoginState> login =
        Cookies.get(request.header("cookie"), settings.loginCookieName())
            .flatMap(
                v -> settings.sealer().get().open(settings.boundTo(settings.loginCookieName()), v))
            .flatMap(LoginState::of)
            .filter(l -> clock.instant().isBefore(l.expiresAt()));
    if (query.containsKey("error")) {
      return failed("the provider answered " + safe(query.get("error")));
    }
    if (login.isEmpty()) {
      return failed("no login in progress (its cookie is missing, altered or expired)");
    }
    if (!login.get().state().equals(query.get("state")) || !query.containsKey("code")) {
      return failed("the callback's state is not this login's");
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", query.get("code"));
    form.put("redirect_uri", origin(request) + settings.callbackPath());
    form.put("code_verifier", login.get().codeVerifier());
    form.put("client_id", settings.clientId());
    CompletableFuture<IdentityResult> done =
        tokens(provider, form)
            .thenApply(answer -> loggedIn(answer, login.get(), request))
            .exceptionally(failure -> unavailable("the token endpoint failed: " + failure));
    return new IdentityResult.Pending(done);
  }

  private IdentityResult loggedIn(
      Map<String, Object> answer, LoginState login, HttpAttributes request) {
    if (!(answer.get("id_token") instanceof String idToken)) {
      return failed("the token endpoint sent no id_token");
    }
    IdentityResult verified = settings.idTokens().verifyCompact(idToken);
    if (!(verified instanceof IdentityResult.Authenticated authenticated)) {
      return failed("the ID token does not verify: " + verified);
    }
    Identity identity = authenticated.identity();
    if (!login.nonce().equals(identity.claims().get("nonce"))) {
      return failed("the ID token's nonce is not this login's");
    }
    Optional<String> session = sealedSession(identity, answer, Optional.empty());
    if (session.isEmpty()) {
      return failed("the session does not fit in a cookie");
    }
    boolean secure = secure(request);
    return redirect(
        ReasonCode.LOGIN_CALLBACK,
        origin(request) + login.returnTo(),
        List.of(
            Cookies.set(settings.cookieName(), session.get(), -1, secure),
            Cookies.set(settings.loginCookieName(), "", 0, secure)),
        oidc(identity));
  }

  /** Renews {@code session} with its refresh token; the new session's cookie goes to the client. */
  CompletableFuture<IdentityResult> refresh(
      SessionCookie session, ProviderMetadata provider, HttpAttributes request) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", session.refreshToken().orElseThrow());
    form.put("client_id", settings.clientId());
    return tokens(provider, form)
        .thenApply(answer -> refreshed(session, answer, request))
        .exceptionally(failure -> IdentityResult.ABSENT);
  }

  private IdentityResult refreshed(
      SessionCookie session, Map<String, Object> answer, HttpAttributes request) {
    Identity identity;
    if (answer.get("id_token") instanceof String idToken) {
      IdentityResult verified = settings.idTokens().verifyCompact(idToken);
      if (!(verified instanceof IdentityResult.Authenticated authenticated)) {
        return IdentityResult.ABSENT;
      }
      identity = authenticated.identity();
    } else {
      // OpenID Connect Core section 12.2: a refresh may send no new ID token; the claims stand.
      identity = OidcVerifier.identity(session.claims(), settings);
    }
    Optional<String> sealed = sealedSession(identity, answer, session.refreshToken());
    if (sealed.isEmpty()) {
      return IdentityResult.ABSENT;
    }
    return new IdentityResult.Authenticated(
        oidc(identity),
        List.of(
            new Decision.Header(
                "set-cookie",
                Cookies.set(settings.cookieName(), sealed.get(), -1, secure(request)),
                false)));
  }

  /** Clears the session, then on to the provider's logout when it offers one. */
  IdentityResult logout(CheckInput input, Optional<ProviderMetadata> provider) {
    HttpAttributes request = input.request();
    String landing =
        settings.postLogoutRedirect().startsWith("/")
            ? origin(request) + settings.postLogoutRedirect()
            : settings.postLogoutRedirect();
    String location =
        provider
            .flatMap(ProviderMetadata::endSession)
            .map(
                end ->
                    withQuery(
                        end,
                        Map.of(
                            "client_id", settings.clientId(), "post_logout_redirect_uri", landing)))
            .orElse(landing);
    return redirect(
        ReasonCode.LOGOUT,
        location,
        List.of(Cookies.set(settings.cookieName(), "", 0, secure(request))),
        null);
  }

  /**
   * The session for {@code identity}, sealed: good until the later of the ID token's {@code exp}
   * and the access token's {@code expires_in}. Without its refresh token if that is what it takes
   * to fit in a cookie.
   */
  private Optional<String> sealedSession(
      Identity identity, Map<String, Object> answer, Optional<String> previousRefresh) {
    Instant expires = clock.instant();
    if (identity.claims().get("exp") instanceof Number exp) {
      expires = Instant.ofEpochSecond(exp.longValue());
    }
    if (answer.get("expires_in") instanceof Number seconds) {
      Instant access = clock.instant().plusSeconds(seconds.longValue());
      expires = access.isAfter(expires) ? access : expires;
    }
    if (!expires.isAfter(clock.instant())) {
      // No exp and no expires_in (both optional after a refresh): a session born expired would
      // send every request to the token endpoint.
      expires = clock.instant().plus(MIN_SESSION);
    }
    Optional<String> refresh =
        answer.get("refresh_token") instanceof String token ? Optional.of(token) : previousRefresh;
    for (Optional<String> kept : List.of(refresh, Optional.<String>empty())) {
      String sealed =
          settings
              .sealer()
              .get()
              .seal(
                  settings.boundTo(settings.cookieName()),
                  new SessionCookie(identity.claims(), expires, kept).json());
      if (sealed.length() + settings.cookieName().length() < OidcSettings.MAX_COOKIE_BYTES) {
        return Optional.of(sealed);
      }
    }
    return Optional.empty();
  }

  private CompletableFuture<Map<String, Object>> tokens(
      ProviderMetadata provider, Map<String, String> form) {
    return ClientPost.post(
        http,
        provider.token(),
        settings.clientId(),
        settings.clientSecret(),
        form,
        settings.timeout());
  }

  private Identity oidc(Identity fromIdToken) {
    return OidcVerifier.identity(fromIdToken.claims(), settings);
  }

  private static IdentityResult redirect(
      ReasonCode reason, String location, List<String> cookies, Identity identity) {
    List<Decision.Header> headers = new java.util.ArrayList<>();
    headers.add(new Decision.Header("location", location, true));
    cookies.forEach(cookie -> headers.add(new Decision.Header("set-cookie", cookie, false)));
    headers.add(new Decision.Header("cache-control", "no-store", true));
    return new IdentityResult.Respond(302, reason, headers, Optional.ofNullable(identity));
  }

  static IdentityResult failed(String detail) {
    return new IdentityResult.Rejected(ReasonCode.LOGIN_FAILED, detail);
  }

  static IdentityResult unavailable(String detail) {
    return new IdentityResult.Rejected(ReasonCode.OIDC_UNAVAILABLE, detail);
  }

  /** The origin the browser used, as Envoy saw it. */
  static String origin(HttpAttributes request) {
    return request.scheme() + "://" + request.host();
  }

  private static boolean secure(HttpAttributes request) {
    return "https".equals(request.scheme());
  }

  private static String withQuery(URI base, Map<String, String> query) {
    StringBuilder url = new StringBuilder(base.toString());
    char separator = base.getRawQuery() == null ? '?' : '&';
    for (Map.Entry<String, String> entry : query.entrySet()) {
      url.append(separator)
          .append(URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8));
      separator = '&';
    }
    return url.toString();
  }

  private static Map<String, String> query(String query) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        try {
          parameters.putIfAbsent(
              URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException malformed) {
          // Not ours to repair: the parameter is left out.
        }
      }
    }
    return parameters;
  }

  private static String safe(String untrusted) {
    return untrusted.replaceAll("[^A-Za-z0-9_.-]", "?");
  }
}
