package io.attache.authz.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.core.Identity;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.core.ReasonCode;
import io.attache.authz.decision.Authorizer;
import io.attache.authz.decision.AuthzService;
import io.attache.authz.policy.AuthPolicy;
import io.attache.authz.policy.PolicyParser;
import io.attache.authz.policy.RequestMatch;
import io.attache.authz.rules.CelConditions;
import io.attache.events.EventSink;
import io.attache.events.InMemoryEventSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Emissary's {@code proto: http} AuthService mode against a real server, with requests shaped as
 * Envoy's HTTP ext_authz client sends them (envoyproxy/envoy
 * source/extensions/filters/common/ext_authz/ext_authz_http_impl.cc): the original method, {@code
 * path_prefix} + the original path, the original {@code :authority} as Host, and the headers on
 * Emissary's allowlist, which includes client-supplied {@code X-Forwarded-*}.
 */
class HttpAuthServerTest {
  static final String POLICIES =
      """
      metadata: {name: admin}
      spec:
        match: {hosts: [admin.example.com]}
        identity: [{apiKey: {keys: [{key: the-key, principal: ops}]}}]
        response:
          headers: {x-user-id: "{identity.principal}"}
          removeHeaders: [x-api-key, cookie]
      ---
      metadata: {name: public}
      spec:
        match: {hosts: [public.example.com]}
        identity: [{anonymous: {}}]
      ---
      metadata: {name: internal}
      spec:
        match: {hosts: [internal.example.com]}
        identity: [{anonymous: {}}]
        deny: {body: "not from here"}
        rules: [{name: office, when: "request.source_address == '10.0.0.7'"}]
      ---
      metadata: {name: mesh}
      spec:
        match: {hosts: [mesh.example.com]}
        identity: [{mtls: {allowed: ["spiffe://cluster.local/ns/shop/sa/*"]}}]
        response:
          headers: {x-user-id: "{identity.principal}"}
      ---
      metadata: {name: search}
      spec:
        match: {hosts: [search.example.com]}
        identity: [{anonymous: {}}]
        rules:
          - name: one-filter
            when: "request.path == '/search' && request.query == 'filter={\\"a\\":1}&sort=a|b'"
      """;

  private HttpAuthServer server;

  @BeforeEach
  void start() throws Exception {
    List<AuthPolicy> policies =
        new PolicyParser((spec, path, problems) -> null, new CelConditions(), "s".getBytes())
            .parse("p.yaml", POLICIES);
    server =
        HttpAuthServer.start(
            "127.0.0.1",
            0,
            "/auth",
            new AuthzService(new Authorizer(() -> policies, false), EventSink.discarding()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RawHttp.Response get(String path, String... headers) throws IOException {
    return RawHttp.send(server.port(), "GET", path, List.of(headers));
  }

  @Test
  void theHostHeaderChoosesThePolicyNotAClientsXForwardedHost() throws Exception {
    RawHttp.Response response =
        get("/auth/admin/users", "Host: admin.example.com", "X-Forwarded-Host: public.example.com");

    assertThat(response.status()).isEqualTo(401);
  }

  /**
   * Envoy appends the peer's address to X-Forwarded-For, after whatever the client sent; its docs:
   * "Malicious clients can forge XFF, but the last address in XFF can be trusted if it was put
   * there by a trusted proxy" (envoyproxy/envoy
   * docs/root/configuration/http/http_conn_man/headers.rst, x-forwarded-for).
   */
  @Test
  void theSourceAddressIsTheForwardedForEntryEnvoyAppendedNotTheClients() throws Exception {
    RawHttp.Response forged =
        get("/auth/", "Host: internal.example.com", "X-Forwarded-For: 10.0.0.7, 203.0.113.9");
    RawHttp.Response office =
        get("/auth/", "Host: internal.example.com", "X-Forwarded-For: 203.0.113.9,10.0.0.7");

    assertThat(List.of(forged.status(), office.status())).containsExactly(403, 200);
  }

  /**
   * An mTLS client's certificate reaches HTTP mode in {@code x-forwarded-client-cert}; with {@code
   * APPEND_FORWARD} Envoy appends its element for the verified certificate after whatever the
   * client sent (envoyproxy/envoy docs/root/configuration/http/http_conn_man/headers.rst).
   */
  @Test
  void theClientCertificateEnvoyVerifiedIsTheMtlsIdentity() throws Exception {
    RawHttp.Response web =
        get(
            "/auth/orders",
            "Host: mesh.example.com",
            "X-Forwarded-Client-Cert: URI=spiffe://cluster.local/ns/shop/sa/admin,"
                + "By=spiffe://cluster.local/ns/edge/sa/envoy;Hash=ab;"
                + "Subject=\"CN=web\";URI=spiffe://cluster.local/ns/shop/sa/web");
    RawHttp.Response stranger =
        get(
            "/auth/orders",
            "Host: mesh.example.com",
            "X-Forwarded-Client-Cert: Hash=ab;URI=spiffe://cluster.local/ns/other/sa/web");
    RawHttp.Response none = get("/auth/orders", "Host: mesh.example.com");

    assertThat(web.status()).isEqualTo(200);
    assertThat(web.header("x-user-id")).contains("spiffe://cluster.local/ns/shop/sa/web");
    assertThat(List.of(stranger.status(), none.status())).containsExactly(403, 401);
  }

  /**
   * On a 200, Envoy's HTTP client removes the comma-separated names in {@code
   * x-envoy-auth-headers-to-remove} from the upstream request (envoyproxy/envoy
   * source/extensions/filters/common/ext_authz/ext_authz_http_impl.cc, toResponse), as {@code
   * headers_to_remove} does in gRPC.
   */
  @Test
  void anAllowNamesTheHeadersToRemoveInEnvoysStorageHeader() throws Exception {
    RawHttp.Response response =
        get("/auth/admin/users", "Host: admin.example.com", "x-api-key: the-key");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("x-envoy-auth-headers-to-remove")).contains("x-api-key, cookie");
    assertThat(response.header("x-user-id")).contains("ops");
  }

  /** A HEAD answer carries no body (RFC 9110 9.3.2); the status and headers still reach Envoy. */
  @Test
  void aDenialOfAHeadRequestHasItsStatusAndHeadersButNoBody() throws Exception {
    RawHttp.Response head =
        RawHttp.send(
            server.port(),
            "HEAD",
            "/auth/",
            List.of("Host: internal.example.com", "X-Forwarded-For: 203.0.113.9"));
    RawHttp.Response next =
        get("/auth/", "Host: internal.example.com", "X-Forwarded-For: 203.0.113.9");

    assertThat(head.status()).isEqualTo(403);
    assertThat(head.header("x-ext-auth-reason")).contains("no_rule_allowed");
    assertThat(head.body()).isEmpty();
    assertThat(next.body()).isEqualTo("not from here");
  }

  /**
   * Browsers and curl send {@code { } | " ^} and backticks in queries unencoded, and Envoy forwards
   * them; the JDK server answered 400 to them before any policy saw the request.
   */
  @Test
  void aQueryWithUnencodedJsonAndPipesReachesThePolicyAsSent() throws Exception {
    RawHttp.Response matching =
        get("/auth/search?filter={\"a\":1}&sort=a|b", "Host: search.example.com");
    RawHttp.Response other =
        get("/auth/search?filter={\"a\":2}&sort=a|b", "Host: search.example.com");

    assertThat(List.of(matching.status(), other.status())).containsExactly(200, 403);
  }

  @Test
  void aBadPercentEscapeIsDecidedByThePolicyNotRefusedByTheServer() throws Exception {
    RawHttp.Response response = get("/auth/a%zz?q=%zz&r=^`", "Host: public.example.com");

    assertThat(response.status()).isEqualTo(200);
  }

  /** Envoy keeps its connections to the auth service open and sends the next check on one. */
  @Test
  void twoRequestsOnOneConnectionAreBothAnswered() throws Exception {
    try (RawHttp.Connection connection = new RawHttp.Connection(server.port())) {
      RawHttp.Response first =
          connection.send("GET", "/auth/", List.of("Host: public.example.com"), "");
      RawHttp.Response second =
          connection.send(
              "GET",
              "/auth/",
              List.of("Host: internal.example.com", "X-Forwarded-For: 203.0.113.9"),
              "");

      assertThat(List.of(first.status(), second.status(), second.body()))
          .containsExactly(200, 403, "not from here");
    }
  }

  /** Emissary's include_body forwards the body; it is read, and the connection stays usable. */
  @Test
  void aRequestWithABodyIsDecidedAndTheConnectionStaysUsable() throws Exception {
    try (RawHttp.Connection connection = new RawHttp.Connection(server.port())) {
      RawHttp.Response post =
          connection.send("POST", "/auth/", List.of("Host: public.example.com"), "x".repeat(4096));
      RawHttp.Response next =
          connection.send("GET", "/auth/", List.of("Host: public.example.com"), "");

      assertThat(List.of(post.status(), next.status())).containsExactly(200, 200);
    }
  }

  @Test
  void headersOverTheLimitAreAnswered431() throws Exception {
    RawHttp.Response response =
        get(
            "/auth/",
            "Host: public.example.com",
            "X-Big: " + "a".repeat(HttpAuthServer.MAX_HEADER_BYTES + 1));

    assertThat(response.status()).isEqualTo(431);
  }

  @Test
  void aRequestLineOverTheLimitIsAnswered414() throws Exception {
    RawHttp.Response response =
        get(
            "/auth/?q=" + "a".repeat(HttpAuthServer.MAX_REQUEST_LINE_BYTES),
            "Host: public.example.com");

    assertThat(response.status()).isEqualTo(414);
  }

  @Test
  void aBodyOverTheLimitIsAnswered413AndTheConnectionClosed() throws Exception {
    try (RawHttp.Connection connection = new RawHttp.Connection(server.port())) {
      RawHttp.Response response =
          connection.send(
              "POST",
              "/auth/",
              List.of("Host: public.example.com"),
              "x".repeat(HttpAuthServer.MAX_BODY_BYTES + 1));

      assertThat(response.status()).isEqualTo(413);
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void aRequestThatIsNotHttpIsAnswered400() throws Exception {
    RawHttp.Response response = get("/auth/", "Host: public.example.com", "Bad Name: x");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.header("connection").map(v -> v.toLowerCase(Locale.ROOT)))
        .contains("close");
  }

  /**
   * RFC 9112 section 9.6: after a request with "Connection: close" the server "MUST NOT process any
   * further requests received on that connection"; a pipelined one behind it is neither decided nor
   * answered.
   */
  @Test
  void aRequestPipelinedAfterConnectionCloseIsNotDecided() throws Exception {
    List<AuthPolicy> policies =
        new PolicyParser((spec, path, problems) -> null, new CelConditions(), "s".getBytes())
            .parse("p.yaml", POLICIES);
    InMemoryEventSink events = new InMemoryEventSink();
    try (HttpAuthServer closing =
            HttpAuthServer.start(
                "127.0.0.1",
                0,
                "/auth",
                new AuthzService(new Authorizer(() -> policies, false), events));
        Socket socket = new Socket("127.0.0.1", closing.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /auth/ HTTP/1.1\r\nHost: public.example.com\r\nConnection: close\r\n\r\n"
                  + "GET /auth/ HTTP/1.1\r\nHost: public.example.com\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answers = new String(in.readAllBytes(), StandardCharsets.US_ASCII);

      assertThat(answers.split("HTTP/1.1 ", -1)).hasSize(2);
      assertThat(events.events()).hasSize(1);
    }
  }

  /**
   * A decision that waits on a call out (an introspection endpoint, say) neither holds the event
   * loop nor lets a request pipelined behind it be answered first: HTTP/1.1 answers in request
   * order (RFC 9112 section 9.3.2).
   */
  @Test
  void aDecisionThatWaitsIsAnsweredInRequestOrderWithoutHoldingOtherConnections() throws Exception {
    CompletableFuture<IdentityResult> slowAnswer = new CompletableFuture<>();
    IdentityVerifier slowWhenAsked =
        input ->
            input.request().header("x-slow").isPresent()
                ? new IdentityResult.Pending(slowAnswer)
                : new IdentityResult.Authenticated(Identity.anonymous());
    AuthPolicy remote =
        new AuthPolicy(
            "remote",
            RequestMatch.ALL,
            List.of(slowWhenAsked),
            List.of(),
            AuthPolicy.AllowResponse.NONE,
            AuthPolicy.DenyResponse.DEFAULT);
    try (HttpAuthServer waiting =
            HttpAuthServer.start(
                "127.0.0.1",
                0,
                "/auth",
                new AuthzService(
                    new Authorizer(() -> List.of(remote), false), EventSink.discarding()));
        Socket socket = new Socket("127.0.0.1", waiting.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /auth/first HTTP/1.1\r\nHost: h\r\nX-Slow: 1\r\n\r\n"
                  + "GET /auth/second HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();

      RawHttp.Response other = RawHttp.send(waiting.port(), "GET", "/auth/", List.of("Host: h"));
      boolean pipelinedWaited = socket.getInputStream().available() == 0;
      slowAnswer.complete(
          new IdentityResult.Rejected(ReasonCode.TOKEN_EXPIRED, "the slow one is denied"));
      String answers =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

      assertThat(other.status()).isEqualTo(200);
      assertThat(pipelinedWaited).isTrue();
      assertThat(answers.indexOf("HTTP/1.1 401")).isNotNegative();
      assertThat(answers.indexOf("HTTP/1.1 401")).isLessThan(answers.indexOf("HTTP/1.1 200"));
    }
  }
}
