package io.attache.authz.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.authz.grpc.EnvoyChecks;
import io.attache.authz.http.RawHttp;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenID Connect login through Emissary's HTTP mode, step by step as a browser makes it, against a
 * real provider in the test (navikt's mock-oauth2-server: its authorization endpoint answers at
 * once with a code, its token endpoint with an ID token carrying the nonce). The browser is played
 * by an HTTP client that keeps cookies and follows each redirect itself, so every hop is checked.
 */
class OidcLoginTest {
  @TempDir Path dir;
  private final MockOAuth2Server provider = new MockOAuth2Server();
  private final HttpClient browser =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final Map<String, String> cookies = new LinkedHashMap<>();
  private ServiceHost host;
  private int httpPort;

  @BeforeEach
  void start() throws Exception {
    provider.start();
    Path policies = OidcPolicies.write(dir, provider);
    httpPort = FreePorts.next();
    host = LocalExtAuthz.start(policies, httpPort, Optional.empty());
    // The provider is discovered in the background; until then a login answers oidc_unavailable.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                RawHttp.send(
                            httpPort,
                            "GET",
                            "/",
                            List.of("Host: app.example.com", "Accept: text/html"))
                        .status()
                    == 302);
  }

  @AfterEach
  void stop() {
    host.close();
    provider.shutdown();
  }

  /** The browser asks the front, which asks ext-authz as Emissary does (HTTP mode). */
  private RawHttp.Response app(String pathAndQuery, String accept) throws Exception {
    List<String> headers = new ArrayList<>(List.of("Host: app.example.com", "Accept: " + accept));
    if (!cookies.isEmpty()) {
      headers.add(
          "Cookie: "
              + String.join(
                  "; ",
                  cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
    }
    RawHttp.Response response = RawHttp.send(httpPort, "GET", pathAndQuery, headers);
    response.headers().stream()
        .filter(h -> h.getKey().equalsIgnoreCase("set-cookie"))
        .forEach(h -> keep(h.getValue()));
    return response;
  }

  private void keep(String setCookie) {
    String pair = setCookie.split(";", 2)[0];
    String name = pair.substring(0, pair.indexOf('='));
    String value = pair.substring(pair.indexOf('=') + 1);
    if (value.isEmpty() || setCookie.contains("Max-Age=0")) {
      cookies.remove(name);
    } else {
      cookies.put(name, value);
    }
  }

  private static String location(RawHttp.Response response) {
    return response.header("location").orElseThrow();
  }

  /** Where the provider sends the browser back, as a path and query on the app. */
  private String provider(String authorizeUrl) throws Exception {
    HttpResponse<String> answer =
        browser.send(
            HttpRequest.newBuilder(URI.create(authorizeUrl)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(302);
    URI back = URI.create(answer.headers().firstValue("location").orElseThrow());
    assertThat(back.getHost()).isEqualTo("app.example.com");
    return back.getRawPath() + "?" + back.getRawQuery();
  }

  @Test
  void aBrowserLogsInWithPkceStateAndNonceAndIsThenItsUser() throws Exception {
    RawHttp.Response first = app("/reports?year=2030", "text/html,application/xhtml+xml");
    URI authorize = URI.create(location(first));
    String query = authorize.getRawQuery();
    RawHttp.Response callback = app(provider(location(first)), "text/html");
    RawHttp.Response back =
        app(URI.create(location(callback)).getRawPath() + "?year=2030", "text/html");

    assertThat(first.status()).isEqualTo(302);
    assertThat(authorize.toString())
        .startsWith(provider.authorizationEndpointUrl("idp").toString());
    assertThat(query)
        .contains("response_type=code", "client_id=attache", "code_challenge_method=S256")
        .contains("scope=openid+profile", "state=", "nonce=", "code_challenge=")
        .contains("redirect_uri=http%3A%2F%2Fapp.example.com%2Foauth2%2Fcallback");
    assertThat(callback.status()).isEqualTo(302);
    assertThat(location(callback)).isEqualTo("http://app.example.com/reports?year=2030");
    assertThat(cookies).containsKey("attache_session").doesNotContainKey("attache_session_login");
    assertThat(cookies.get("attache_session")).doesNotContain(".");
    assertThat(back.status()).isEqualTo(200);
    assertThat(back.header("x-user-id")).isPresent();
  }

  @Test
  void anApiClientWithoutASessionGets401NotALoginPage() throws Exception {
    RawHttp.Response api = app("/reports", "application/json");

    assertThat(api.status()).isEqualTo(401);
    assertThat(api.header("location")).isEmpty();
  }

  @Test
  void aCallbackWhoseStateIsNotThisBrowsersLoginIsRefused() throws Exception {
    RawHttp.Response first = app("/", "text/html");
    String callback = provider(location(first));
    cookies.clear(); // another browser, or the login cookie lost

    RawHttp.Response forged = app(callback, "text/html");

    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.header("x-ext-auth-reason")).contains("login_failed");
    assertThat(cookies).doesNotContainKey("attache_session");
  }

  @Test
  void anAlteredSessionCookieIsNoSessionAndLogoutClearsIt() throws Exception {
    RawHttp.Response first = app("/", "text/html");
    app(provider(location(first)), "text/html");
    String session = cookies.get("attache_session");
    // A character in the middle: all six of its bits are sealed bytes (the last one's may not be).
    int middle = session.length() / 2;
    char flipped = session.charAt(middle) == 'A' ? 'B' : 'A';
    cookies.put(
        "attache_session", session.substring(0, middle) + flipped + session.substring(middle + 1));
    RawHttp.Response altered = app("/", "text/html");
    cookies.put("attache_session", session);

    RawHttp.Response logout = app("/oauth2/logout", "text/html");
    RawHttp.Response after = app("/", "application/json");

    assertThat(altered.status()).isEqualTo(302);
    assertThat(location(altered)).startsWith(provider.authorizationEndpointUrl("idp").toString());
    assertThat(logout.status()).isEqualTo(302);
    assertThat(location(logout))
        .startsWith(provider.endSessionEndpointUrl("idp").toString())
        .contains("post_logout_redirect_uri=http%3A%2F%2Fapp.example.com%2F");
    assertThat(after.status()).isEqualTo(401);
  }

  /**
   * A session past its expiry is renewed with the refresh token (RFC 6749 section 6) without a trip
   * to the provider's login: the request is allowed and carries the renewed cookie.
   */
  @Test
  void anExpiredSessionIsRenewedWithTheRefreshToken() throws Exception {
    provider.enqueueCallback(
        new DefaultOAuth2TokenCallback("idp", "carol", "JWT", List.of("attache"), Map.of(), 1));
    RawHttp.Response first = app("/", "text/html");
    app(provider(location(first)), "text/html");
    String shortSession = cookies.get("attache_session");
    Thread.sleep(2_100); // past the session's expiry, the ID token's exp

    RawHttp.Response renewed = app("/", "text/html");

    assertThat(renewed.status()).isEqualTo(200);
    assertThat(renewed.header("x-user-id")).contains("carol");
    assertThat(cookies.get("attache_session")).isNotEqualTo(shortSession);
  }

  /**
   * gRPC mode carries the same answers: the redirect to log in as a DeniedHttpResponse with status
   * 302, Location and the login cookie (envoyproxy/envoy
   * api/envoy/service/auth/v3/external_auth.proto).
   */
  @Test
  void inGrpcModeTheRedirectIsADeniedHttpResponseWithLocationAndCookie() {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
    try {
      CheckResponse response =
          AuthorizationGrpc.newBlockingStub(channel)
              .check(
                  EnvoyChecks.envoyCheck(
                      "GET", "app.example.com", "/reports", Map.of("accept", "text/html")));

      assertThat(response.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(302);
      assertThat(response.getDeniedResponse().getHeadersList())
          .extracting(h -> h.getHeader().getKey())
          .contains("location", "set-cookie", "x-ext-auth-reason");
      assertThat(
              response.getDeniedResponse().getHeadersList().stream()
                  .filter(h -> h.getHeader().getKey().equals("location"))
                  .findFirst()
                  .orElseThrow()
                  .getHeader()
                  .getValue())
          .startsWith(provider.authorizationEndpointUrl("idp").toString())
          .contains("redirect_uri=https%3A%2F%2Fapp.example.com%2Foauth2%2Fcallback");
    } finally {
      channel.shutdownNow();
    }
  }
}
