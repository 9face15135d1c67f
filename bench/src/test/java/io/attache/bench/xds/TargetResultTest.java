package io.attache.bench.xds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TargetResultTest {
  private static TranslationResult translatedIn(double millis) {
    return new TranslationResult(0, 0, 0, 0, millis, millis, millis, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
  }

  private static PushResult pushedIn(int clients, double totalMillis) {
    return new PushResult(
        "sotw",
        clients,
        4,
        0,
        0,
        5,
        true,
        0,
        0,
        0,
        0,
        0,
        totalMillis,
        totalMillis,
        List.of(totalMillis),
        0,
        100,
        10,
        0,
        0);
  }

  @Test
  void tenThousandServicesInUnderASecondMeetTheTranslationTarget() {
    SizeResult size = new SizeResult(10_000, 5, 10_000, translatedIn(800), List.of());

    assertThat(TargetResult.translation(List.of(size)).status()).isEqualTo("met");
  }

  @Test
  void aSlowFleetOf500AtAnySizeMissesThePushTarget() {
    List<SizeResult> sizes =
        List.of(
            new SizeResult(1_000, 5, 1_000, translatedIn(50), List.of(pushedIn(500, 300))),
            new SizeResult(10_000, 5, 10_000, translatedIn(800), List.of(pushedIn(500, 1_200))));

    TargetResult push = TargetResult.push(sizes);

    assertThat(push.status()).isEqualTo("missed");
    assertThat(push.evidence()).contains("10000 Services, 500 sotw clients: all ACKed in 1200 ms");
  }

  @Test
  void smallerRunsLeaveTheTargetsNotMeasured() {
    List<SizeResult> sizes =
        List.of(new SizeResult(50, 5, 50, translatedIn(20), List.of(pushedIn(10, 100))));

    assertThat(List.of(TargetResult.translation(sizes), TargetResult.push(sizes)))
        .extracting(TargetResult::status)
        .containsExactly("not measured", "not measured");
  }
}
