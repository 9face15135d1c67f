package io.attache.authz.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.core.Decision;
import io.attache.authz.core.Identity;
import io.attache.authz.core.ReasonCode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AllowResponsesTest {
  private static Decision allow(String principal, List<String> remove, Map<String, Object> meta) {
    return new Decision(
        true,
        200,
        ReasonCode.OK,
        Optional.of("keys"),
        Optional.empty(),
        Optional.of(new Identity(principal, "api_key", Map.of(), Map.of(), Optional.empty())),
        List.of(new Decision.Header("x-user-id", principal, true)),
        remove,
        meta,
        List.of(),
        "");
  }

  @Test
  void aRememberedAllowIsTheResponseBuiltForTheSameDecision() {
    AllowResponses responses = new AllowResponses();
    Decision decision = allow("svc", List.of("x-api-key"), Map.of("tier", "gold"));

    responses.response(decision);

    assertThat(responses.response(allow("svc", List.of("x-api-key"), Map.of("tier", "gold"))))
        .isEqualTo(CheckMapping.toProto(decision));
  }

  @Test
  void allowsThatCarryDifferentHeadersGetTheirOwnResponses() {
    AllowResponses responses = new AllowResponses();
    responses.response(allow("alice", List.of(), Map.of()));

    assertThat(responses.response(allow("bob", List.of(), Map.of())))
        .isEqualTo(CheckMapping.toProto(allow("bob", List.of(), Map.of())));
  }

  @Test
  void pastTheBoundEveryAllowIsStillAnsweredRight() {
    AllowResponses responses = new AllowResponses();
    for (int i = 0; i < AllowResponses.MAX_RESPONSES + 10; i++) {
      Decision decision = allow("user-" + i, List.of(), Map.of());

      assertThat(responses.response(decision)).isEqualTo(CheckMapping.toProto(decision));
    }
  }

  /**
   * A renewed session cookie goes to the client in {@code OkHttpResponse.response_headers_to_add}
   * (envoyproxy/envoy api/envoy/service/auth/v3/external_auth.proto: "HTTP entity headers in
   * addition to the original request headers ... to be sent to the downstream client"), and an
   * answer carrying one caller's cookie is never shared with another.
   */
  @Test
  void aClientHeaderOnAnAllowGoesToTheClientAndIsNeverShared() {
    AllowResponses responses = new AllowResponses();
    Decision plain = allow("alice", List.of(), Map.of());
    Decision renewed =
        new Decision(
            true,
            200,
            ReasonCode.OK,
            plain.policy(),
            Optional.empty(),
            plain.identity(),
            plain.upstreamHeaders(),
            List.of(),
            Map.of(),
            List.of(new Decision.Header("set-cookie", "attache_session=s2; HttpOnly", false)),
            "");

    responses.response(plain);
    var answer = responses.response(renewed);

    assertThat(answer.getOkResponse().getResponseHeadersToAddList())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.getHeader().getKey()).isEqualTo("set-cookie");
              assertThat(h.getHeader().getValue()).isEqualTo("attache_session=s2; HttpOnly");
            });
    assertThat(answer.getOkResponse().getHeadersList())
        .extracting(h -> h.getHeader().getKey())
        .containsExactly("x-user-id");
    assertThat(responses.response(plain).getOkResponse().getResponseHeadersToAddList()).isEmpty();
  }
}
