package io.attache.authz.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Decision;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;

/**
 * Fuzz target for the gRPC edge: any bytes that parse as a {@code CheckRequest} map to a core
 * request without throwing, are decided by a real service (the policies of {@link
 * CheckPropertyTest}) and map back to a {@code CheckResponse} without throwing; the path never
 * keeps Envoy's query string, and the answer is an allow or a 401/403 denial.
 */
class CheckMappingFuzzTest {

  @FuzzTest
  void everyCheckRequestMapsAndIsAnswered(byte[] bytes) {
    CheckRequest request;
    try {
      request = CheckRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException notACheckRequest) {
      return;
    }
    CheckInput input = CheckMapping.toCore(request);
    assertThat(input.request().path()).doesNotContain("?");
    Decision decision = CheckPropertyTest.SERVICE.check(input);
    CheckResponse response = CheckMapping.toProto(decision);
    if (response.getStatus().getCode() != 0) {
      assertThat(response.getDeniedResponse().getStatus().getCodeValue()).isIn(401, 403);
    }
  }
}
