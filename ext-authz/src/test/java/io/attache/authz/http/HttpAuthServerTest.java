package io.attache.authz.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.core.Authorizer;
import io.attache.authz.core.AuthzService;
import io.attache.authz.policy.AuthPolicy;
import io.attache.authz.policy.PolicyParser;
import io.attache.authz.rules.CelConditions;
import io.attache.events.EventSink;
import java.util.List;
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

  @Test
  void theHostHeaderChoosesThePolicyNotAClientsXForwardedHost() throws Exception {
    RawHttp.Response response =
        RawHttp.send(
            server.port(),
            "GET",
            "/auth/admin/users",
            List.of("Host: admin.example.com", "X-Forwarded-Host: public.example.com"));

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
        RawHttp.send(
            server.port(),
            "GET",
            "/auth/",
            List.of("Host: internal.example.com", "X-Forwarded-For: 10.0.0.7, 203.0.113.9"));
    RawHttp.Response office =
        RawHttp.send(
            server.port(),
            "GET",
            "/auth/",
            List.of("Host: internal.example.com", "X-Forwarded-For: 203.0.113.9,10.0.0.7"));

    assertThat(List.of(forged.status(), office.status())).containsExactly(403, 200);
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
        RawHttp.send(
            server.port(),
            "GET",
            "/auth/admin/users",
            List.of("Host: admin.example.com", "x-api-key: the-key"));

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
        RawHttp.send(
            server.port(),
            "GET",
            "/auth/",
            List.of("Host: internal.example.com", "X-Forwarded-For: 203.0.113.9"));

    assertThat(head.status()).isEqualTo(403);
    assertThat(head.header("x-ext-auth-reason")).contains("no_rule_allowed");
    assertThat(head.body()).isEmpty();
    assertThat(next.body()).isEqualTo("not from here");
  }
}
