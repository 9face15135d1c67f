package io.attache.authz.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.decision.Authorizer;
import io.attache.authz.decision.AuthzService;
import io.attache.authz.policy.AuthPolicy;
import io.attache.authz.policy.PolicyParser;
import io.attache.authz.rules.CelConditions;
import io.attache.events.EventSink;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.NotBlank;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/**
 * Whatever Envoy sends — random methods, hosts, paths, queries and headers, garbage tokens and keys
 * — the Check path answers, never throws, and never allows what the policies do not.
 */
class CheckPropertyTest {
  static final AuthzService SERVICE = service();

  private static AuthzService service() {
    try {
      List<AuthPolicy> policies =
          new PolicyParser((spec, path, problems) -> null, new CelConditions(), "s".getBytes())
              .parse(
                  "p.yaml",
                  """
                  metadata: {name: keys}
                  spec:
                    match: {paths: [{prefix: /api}]}
                    identity: [{apiKey: {keys: [{key: the-key, principal: p}]}}]
                    rules:
                      - {name: tenant, when: "request.headers['x-tenant'] == 'a' || request.path.contains('/public/')"}
                  """);
      return new AuthzService(new Authorizer(() -> policies, false), EventSink.discarding());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Property(tries = 500)
  void everyRequestGetsAnAnswerAndOnlyTheRightKeyOpensTheApi(
      @ForAll @NotBlank @StringLength(max = 10) String method,
      @ForAll @StringLength(max = 40) String host,
      @ForAll @StringLength(max = 80) String path,
      @ForAll @Size(max = 6)
          Map<@StringLength(min = 1, max = 20) String, @StringLength(max = 60) String> headers) {
    CheckResponse response =
        CheckMapping.toProto(
            SERVICE.check(
                CheckMapping.toCore(EnvoyChecks.envoyCheck(method, host, path, headers))));

    boolean allowed = response.getStatus().getCode() == 0;
    if (allowed) {
      assertThat(path).startsWith("/api");
      assertThat(headers).containsEntry("x-api-key", "the-key");
    } else {
      assertThat(response.getDeniedResponse().getStatus().getCodeValue()).isIn(401, 403);
    }
  }
}
