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
}
