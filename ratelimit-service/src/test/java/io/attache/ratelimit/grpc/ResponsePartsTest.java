package io.attache.ratelimit.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.attache.ratelimit.config.Unit;
import io.attache.ratelimit.core.Code;
import io.attache.ratelimit.core.DescriptorStatus;
import io.attache.ratelimit.core.RateLimitResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResponsePartsTest {
  private static DescriptorStatus limited(Optional<String> name, long perUnit, Unit unit) {
    return new DescriptorStatus(
        Code.OK,
        Optional.of(
            new DescriptorStatus.CurrentLimit(name, perUnit, Optional.of(unit), unit.seconds())),
        7,
        42);
  }

  @Test
  void answersWithRememberedPartsEqualAnswersBuiltAfresh() {
    ResponseParts parts = new ResponseParts();
    RateLimitResponse response =
        new RateLimitResponse(
            Code.OK,
            List.of(
                limited(Optional.of("per-user"), 10, Unit.SECOND),
                limited(Optional.empty(), 100, Unit.MINUTE),
                new DescriptorStatus(Code.OK, Optional.empty(), 0, 0)),
            List.of(new RateLimitResponse.Header("RateLimit-Limit", "10")));

    ProtoMapping.toProto(response, parts);

    assertThat(ProtoMapping.toProto(response, parts)).isEqualTo(ProtoMapping.toProto(response));
  }

  @Test
  void limitsPastTheBoundAreStillAnsweredRight() {
    ResponseParts parts = new ResponseParts();
    for (int perUnit = 1; perUnit <= ResponseParts.MAX_LIMITS + 10; perUnit++) {
      DescriptorStatus.CurrentLimit limit =
          new DescriptorStatus.CurrentLimit(
              Optional.empty(), perUnit, Optional.of(Unit.HOUR), Unit.HOUR.seconds());

      assertThat(parts.limit(limit)).isEqualTo(ProtoMapping.limit(limit));
    }
  }

  @Test
  void resetsLongerThanAnHourAreBuiltEachTime() {
    ResponseParts parts = new ResponseParts();

    assertThat(parts.seconds(86_399)).isEqualTo(Duration.newBuilder().setSeconds(86_399).build());
    assertThat(parts.seconds(1)).isSameAs(parts.seconds(1));
  }
}
