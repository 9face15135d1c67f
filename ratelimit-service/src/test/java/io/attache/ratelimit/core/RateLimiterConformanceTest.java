package io.attache.ratelimit.core;

import static io.attache.ratelimit.core.LimiterFixture.d;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.ratelimit.config.Unit;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Behaviour of the reference service (envoyproxy/ratelimit README examples and src/), pinned case
 * by case with in-memory counters.
 */
class RateLimiterConformanceTest {
  private static final String MESSAGING =
      """
      domain: messaging
      descriptors:
        - key: message_type
          value: marketing
          descriptors:
            - key: to_number
              rate_limit:
                unit: day
                requests_per_unit: 5
        - key: to_number
          rate_limit:
            unit: day
            requests_per_unit: 100
      """;

  private static final String EDGE =
      """
      domain: edge_proxy_per_ip
      descriptors:
        - key: remote_address
          rate_limit:
            unit: second
            requests_per_unit: 10
        - key: remote_address
          value: 50.0.0.5
          rate_limit:
            unit: second
            requests_per_unit: 0
        - key: path
          value: /api/*
          rate_limit: {unit: minute, requests_per_unit: 3}
        - key: path
          value: /api/v1*
          rate_limit: {unit: minute, requests_per_unit: 7}
        - key: path
          rate_limit: {unit: minute, requests_per_unit: 50}
      """;

  @Test
  void theKeyOnlyEntryIsTheDefaultForAnyValue() {
    LimiterFixture rl = new LimiterFixture(EDGE);

    DescriptorStatus status =
        rl.call("edge_proxy_per_ip", d("remote_address", "50.0.0.1")).statuses().get(0);

    assertThat(status.currentLimit().orElseThrow().requestsPerUnit()).isEqualTo(10);
    assertThat(status.remaining()).isEqualTo(9);
  }

  @Test
  void anExactValueBeatsTheDefaultAndZeroBlocksEverything() {
    LimiterFixture rl = new LimiterFixture(EDGE);

    RateLimitResponse response = rl.call("edge_proxy_per_ip", d("remote_address", "50.0.0.5"));

    assertThat(response.overallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(response.statuses().get(0).currentLimit().orElseThrow().requestsPerUnit()).isZero();
  }

  @Test
  void wildcardsBeatTheDefaultAndAreTriedInFileOrder() {
    LimiterFixture rl = new LimiterFixture(EDGE);

    assertThat(limitOf(rl.call("edge_proxy_per_ip", d("path", "/api/v1/users")))).isEqualTo(3);
    assertThat(limitOf(rl.call("edge_proxy_per_ip", d("path", "/other")))).isEqualTo(50);
  }

  @Test
  void aWildcardMayStandAnywhereInTheValue() {
    LimiterFixture rl =
        new LimiterFixture(
            "domain: d\ndescriptors:\n  - {key: path, value: '/users/*/orders', rate_limit: {unit: second, requests_per_unit: 2}}\n");

    assertThat(limitOf(rl.call("d", d("path", "/users/42/orders")))).isEqualTo(2);
    assertThat(rl.call("d", d("path", "/users/42/profile")).statuses().get(0).currentLimit())
        .isEmpty();
  }

  @Test
  void aLimitAppliesOnlyAtTheRequestsLastEntry() {
    LimiterFixture rl = new LimiterFixture(MESSAGING);

    // Deeper than the config: no limit (README example 4).
    assertThat(
            rl.call("messaging", d("to_number", "1", "extra", "x"))
                .statuses()
                .get(0)
                .currentLimit())
        .isEmpty();
    // Shallower than the config: no limit either.
    assertThat(
            rl.call("messaging", d("message_type", "marketing")).statuses().get(0).currentLimit())
        .isEmpty();
    // Exactly as deep: the nested limit.
    assertThat(
            limitOf(
                rl.call("messaging", d("message_type", "marketing", "to_number", "2061111111"))))
        .isEqualTo(5);
  }

  @Test
  void anUnknownDomainAnswersOkWithoutLimits() {
    LimiterFixture rl = new LimiterFixture(MESSAGING);

    RateLimitResponse response = rl.call("nope", d("to_number", "1"), d("a", "b"));

    assertThat(response.overallCode()).isEqualTo(Code.OK);
    assertThat(response.statuses())
        .hasSize(2)
        .allMatch(s -> s.currentLimit().isEmpty() && s.remaining() == 0);
  }

  @Test
  void statusesFollowTheRequestOrderWithLimitRemainingAndReset() {
    LimiterFixture rl = new LimiterFixture(MESSAGING);
    rl.now.set(86_400L * 20_000 + 3_600); // one hour into a day

    RateLimitResponse response =
        rl.call(
            "messaging",
            d("unknown", "x"),
            d("message_type", "marketing", "to_number", "1"),
            d("to_number", "1"));

    assertThat(response.statuses()).hasSize(3);
    assertThat(response.statuses().get(0))
        .isEqualTo(new DescriptorStatus(Code.OK, Optional.empty(), 0, 0));
    DescriptorStatus nested = response.statuses().get(1);
    assertThat(nested.currentLimit().orElseThrow().unit()).contains(Unit.DAY);
    assertThat(nested.remaining()).isEqualTo(4);
    assertThat(nested.secondsUntilReset()).isEqualTo(86_400 - 3_600);
    assertThat(response.statuses().get(2).remaining()).isEqualTo(99);
  }

  @Test
  void theLimitIsReachedExactlyAndTheNextWindowStartsAfresh() {
    LimiterFixture rl = new LimiterFixture(EDGE);
    rl.now.set(5_000);
    for (int i = 0; i < 10; i++) {
      assertThat(rl.call("edge_proxy_per_ip", d("remote_address", "1.1.1.1")).overallCode())
          .isEqualTo(Code.OK);
    }

    RateLimitResponse eleventh = rl.call("edge_proxy_per_ip", d("remote_address", "1.1.1.1"));
    assertThat(eleventh.overallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(eleventh.statuses().get(0).remaining()).isZero();

    rl.now.set(5_001);
    assertThat(
            rl.call("edge_proxy_per_ip", d("remote_address", "1.1.1.1"))
                .statuses()
                .get(0)
                .remaining())
        .isEqualTo(9);
  }

  @Test
  void windowsAreAlignedToTheEpoch() {
    LimiterFixture rl =
        new LimiterFixture(
            "domain: d\ndescriptors:\n  - {key: k, rate_limit: {unit: minute, requests_per_unit: 1}}\n");
    rl.now.set(60 * 1000 + 59);
    rl.call("d", d("k", "v"));

    rl.now.set(60 * 1001);
    RateLimitResponse nextMinute = rl.call("d", d("k", "v"));

    assertThat(nextMinute.overallCode()).isEqualTo(Code.OK);
    assertThat(nextMinute.statuses().get(0).secondsUntilReset()).isEqualTo(60);
  }

  /**
   * {@code window: 5s} (our extension, issue #25): 5-second windows aligned to the epoch as the
   * reference aligns its units' (each starts at a multiple of 5 since 1970); the response reports
   * no unit (UNKNOWN), which Envoy's x-ratelimit headers leave out of the quota policy rather than
   * mislabel, and a 60-second window reports MINUTE, as {@code unit: minute} does.
   */
  @Test
  void aWindowOfFiveSecondsCountsInEpochAlignedFiveSecondWindows() {
    LimiterFixture rl =
        new LimiterFixture(
            "domain: d\ndescriptors:\n"
                + "  - {key: k, rate_limit: {window: 5s, requests_per_unit: 2}}\n"
                + "  - {key: m, rate_limit: {window: 60s, requests_per_unit: 2}}\n");
    rl.now.set(1_000_002);
    rl.call("d", d("k", "v"));
    RateLimitResponse second = rl.call("d", d("k", "v"));
    rl.now.set(1_000_004);
    RateLimitResponse third = rl.call("d", d("k", "v"));
    rl.now.set(1_000_005);
    RateLimitResponse nextWindow = rl.call("d", d("k", "v"));
    RateLimitResponse minute = rl.call("d", d("m", "v"));

    assertThat(second.overallCode()).isEqualTo(Code.OK);
    assertThat(second.statuses().get(0).secondsUntilReset()).isEqualTo(3);
    assertThat(third.overallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(nextWindow.overallCode()).isEqualTo(Code.OK);
    assertThat(nextWindow.statuses().get(0).secondsUntilReset()).isEqualTo(5);
    assertThat(nextWindow.statuses().get(0).currentLimit().orElseThrow().unit()).isEmpty();
    assertThat(minute.statuses().get(0).currentLimit().orElseThrow().unit()).contains(Unit.MINUTE);
  }

  /**
   * {@code algorithm: token_bucket} (issue #25): GCRA, a bucket of {@code burst} tokens refilled at
   * {@code requests_per_unit} per window. A burst passes at once, the next is refused until tokens
   * come back, and a refused request takes nothing; remaining counts tokens, reset is the time
   * until the bucket is full.
   */
  @Test
  void aTokenBucketLetsItsBurstThroughAndRefillsAtItsRate() {
    LimiterFixture rl =
        new LimiterFixture(
            "domain: d\ndescriptors:\n"
                + "  - {key: k, rate_limit: {unit: second, requests_per_unit: 2, algorithm: token_bucket, burst: 4}}\n");
    rl.now.set(1_000);
    List<Long> remaining = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      remaining.add(rl.call("d", d("k", "v")).statuses().get(0).remaining());
    }
    RateLimitResponse fifth = rl.call("d", d("k", "v"));
    rl.now.set(1_001);
    RateLimitResponse afterOneSecond = rl.call("d", d("k", "v"));
    RateLimitResponse againAfterOneSecond = rl.call("d", d("k", "v"));
    RateLimitResponse refusedAgain = rl.call("d", d("k", "v"));

    assertThat(remaining).containsExactly(3L, 2L, 1L, 0L);
    assertThat(fifth.overallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(fifth.statuses().get(0).secondsUntilReset()).isEqualTo(2);
    // One second at 2 per second brought back two tokens, no more.
    assertThat(afterOneSecond.overallCode()).isEqualTo(Code.OK);
    assertThat(againAfterOneSecond.overallCode()).isEqualTo(Code.OK);
    assertThat(refusedAgain.overallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(fifth.statuses().get(0).currentLimit().orElseThrow().requestsPerUnit()).isEqualTo(2);
  }

  /**
   * {@code algorithm: sliding_window} (issue #25): the weighted two-window estimate. The previous
   * window's count weighs by the share of it still inside a window ending now, so a full window
   * just past does not let a second full one through at the edge, as a fixed window would, and its
   * weight fades as the new window goes on. Refused hits count nothing; reset is the end of the
   * current window.
   */
  @Test
  void aSlidingWindowWeighsThePreviousWindowByWhatIsLeftOfIt() {
    LimiterFixture rl =
        new LimiterFixture(
            "domain: d\ndescriptors:\n"
                + "  - {key: k, rate_limit: {window: 10s, requests_per_unit: 10, algorithm: sliding_window}}\n");
    rl.now.set(1_000); // a window starts
    List<Long> remaining = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      remaining.add(rl.call("d", d("k", "v")).statuses().get(0).remaining());
    }
    RateLimitResponse eleventh = rl.call("d", d("k", "v"));
    rl.now.set(1_010); // the next window starts: all ten of the last one still weigh
    RateLimitResponse atTheEdge = rl.call("d", d("k", "v"));
    rl.now.set(1_015); // half of it is left: 5 weigh, so 5 more pass
    int halfway = 0;
    while (rl.call("d", d("k", "v")).overallCode() == Code.OK) {
      halfway++;
    }
    rl.now.set(1_018); // 2 weigh, and 5 were counted in this window: 3 more
    int later = 0;
    while (rl.call("d", d("k", "v")).overallCode() == Code.OK) {
      later++;
    }
    rl.now.set(1_030); // two windows on, nothing weighs
    int fresh = 0;
    while (rl.call("d", d("k", "v")).overallCode() == Code.OK) {
      fresh++;
    }

    assertThat(remaining).containsExactly(9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L, 0L);
    assertThat(eleventh.overallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(eleventh.statuses().get(0).secondsUntilReset()).isEqualTo(10);
    assertThat(atTheEdge.overallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(halfway).isEqualTo(5);
    assertThat(later).isEqualTo(3);
    assertThat(fresh).isEqualTo(10);
    assertThat(rl.stats.get("over_limit", "d.k")).isEqualTo(5);
  }

  /** A descriptor's hits_addend is counted whole or refused whole, never in part. */
  @Test
  void aSlidingWindowRefusesHitsThatDoNotFitWhole() {
    LimiterFixture rl =
        new LimiterFixture(
            "domain: d\ndescriptors:\n"
                + "  - {key: k, rate_limit: {unit: minute, requests_per_unit: 10, algorithm: sliding_window}}\n");
    rl.now.set(60_000);
    RateLimitRequest seven =
        new RateLimitRequest("d", List.of(d("k", "v")), 7, java.util.Optional.empty());

    RateLimitResponse first = rl.call(seven);
    RateLimitResponse second = rl.call(seven);
    RateLimitResponse single = rl.call("d", d("k", "v"));

    assertThat(first.overallCode()).isEqualTo(Code.OK);
    assertThat(first.statuses().get(0).remaining()).isEqualTo(3);
    assertThat(second.overallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(single.overallCode()).isEqualTo(Code.OK);
    assertThat(single.statuses().get(0).remaining()).isEqualTo(2);
  }

  @Test
  void severalDescriptorsAreLimitedIndependentlyAndOred() {
    LimiterFixture rl = new LimiterFixture(EDGE);

    RateLimitResponse response =
        rl.call(
            "edge_proxy_per_ip", d("remote_address", "1.1.1.1"), d("remote_address", "50.0.0.5"));

    assertThat(response.overallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(response.statuses().get(0).code()).isEqualTo(Code.OK);
    assertThat(response.statuses().get(1).code()).isEqualTo(Code.OVER_LIMIT);
  }

  @Test
  void unlimitedAnswersOkWithMaxRemainingAndNoCurrentLimit() {
    LimiterFixture rl =
        new LimiterFixture(
            "domain: internal\ndescriptors:\n  - {key: ldap, rate_limit: {unlimited: true}}\n");

    DescriptorStatus status = rl.call("internal", d("ldap", "x")).statuses().get(0);

    assertThat(status.code()).isEqualTo(Code.OK);
    assertThat(status.remaining()).isEqualTo(4_294_967_295L);
    assertThat(status.currentLimit()).isEmpty();
    assertThat(rl.store.size()).isZero();
  }

  @Test
  void aDescriptorWithoutALimitIsWhitelisted() {
    LimiterFixture rl = new LimiterFixture("domain: d\ndescriptors:\n  - {key: health}\n");

    assertThat(rl.call("d", d("health", "x")).statuses().get(0))
        .isEqualTo(DescriptorStatus.NO_LIMIT);
  }

  @Test
  void shadowModeAnswersOkWhileCounting() {
    LimiterFixture rl =
        new LimiterFixture(
            "domain: d\ndescriptors:\n  - {key: user, shadow_mode: true, rate_limit: {unit: second, requests_per_unit: 1}}\n");
    rl.call("d", d("user", "a"));

    RateLimitResponse second = rl.call("d", d("user", "a"));

    assertThat(second.overallCode()).isEqualTo(Code.OK);
    assertThat(second.statuses().get(0).code()).isEqualTo(Code.OK);
    assertThat(second.statuses().get(0).remaining()).isZero();
    assertThat(second.statuses().get(0).currentLimit()).isPresent();
  }

  @Test
  void globalShadowModeFlipsOnlyTheOverallCode() {
    LimiterFixture rl =
        new LimiterFixture(
            EDGE, new LimiterSettings("", 0.8, 300, true, false, "a", "b", "c", false));

    RateLimitResponse response = rl.call("edge_proxy_per_ip", d("remote_address", "50.0.0.5"));

    assertThat(response.overallCode()).isEqualTo(Code.OK);
    assertThat(response.statuses().get(0).code()).isEqualTo(Code.OVER_LIMIT);
  }

  @Test
  void aReplacingLimitDropsTheReplacedOne() {
    LimiterFixture rl =
        new LimiterFixture(
            """
            domain: example7
            descriptors:
              - key: key_1
                value: value_1
                descriptors:
                  - key: user
                    value: bkthomps
                    rate_limit: {name: specific_limit, requests_per_unit: 5, unit: second}
              - key: key_2
                value: value_2
                descriptors:
                  - key: user
                    value: bkthomps
                    rate_limit:
                      replaces: [{name: specific_limit}]
                      requests_per_unit: 10
                      unit: second
            """);

    RateLimitResponse both =
        rl.call(
            "example7",
            d("key_1", "value_1", "user", "bkthomps"),
            d("key_2", "value_2", "user", "bkthomps"));
    RateLimitResponse alone = rl.call("example7", d("key_1", "value_1", "user", "bkthomps"));

    assertThat(both.statuses().get(0).currentLimit()).isEmpty();
    assertThat(both.statuses().get(1).currentLimit().orElseThrow().requestsPerUnit()).isEqualTo(10);
    // The replaced limit was not counted by the first call.
    assertThat(alone.statuses().get(0).remaining()).isEqualTo(4);
  }

  @Test
  void hitsAddendOfTheDescriptorWinsAndZeroOnlyChecks() {
    LimiterFixture rl =
        new LimiterFixture(
            "domain: d\ndescriptors:\n  - {key: k, rate_limit: {unit: hour, requests_per_unit: 10}}\n");
    Descriptor checkOnly =
        new Descriptor(List.of(new Entry("k", "v")), Optional.empty(), OptionalLong.of(0));

    rl.call(new RateLimitRequest("d", List.of(d("k", "v")), 4, Optional.empty()));
    DescriptorStatus checked =
        rl.call(new RateLimitRequest("d", List.of(checkOnly), 4, Optional.empty()))
            .statuses()
            .get(0);
    DescriptorStatus defaulted =
        rl.call(new RateLimitRequest("d", List.of(d("k", "v")), 0, Optional.empty()))
            .statuses()
            .get(0);

    assertThat(checked.remaining()).isEqualTo(6);
    assertThat(defaulted.remaining()).isEqualTo(5);
  }

  @Test
  void aHitsAddendLargerThanTheRestGoesOverAtOnce() {
    LimiterFixture rl =
        new LimiterFixture(
            "domain: d\ndescriptors:\n  - {key: k, rate_limit: {unit: hour, requests_per_unit: 10}}\n");

    RateLimitResponse response =
        rl.call(new RateLimitRequest("d", List.of(d("k", "v")), 11, Optional.empty()));

    assertThat(response.overallCode()).isEqualTo(Code.OVER_LIMIT);
  }

  @Test
  void aLimitSentByEnvoyReplacesTheConfiguredOne() {
    LimiterFixture rl = new LimiterFixture(EDGE);
    Descriptor overridden =
        new Descriptor(
            List.of(new Entry("remote_address", "9.9.9.9")),
            Optional.of(new Descriptor.LimitOverride(1, Unit.MINUTE)),
            OptionalLong.empty());

    rl.call("edge_proxy_per_ip", overridden);
    RateLimitResponse second = rl.call("edge_proxy_per_ip", overridden);

    assertThat(second.overallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(second.statuses().get(0).currentLimit().orElseThrow().unit()).contains(Unit.MINUTE);
  }

  @Test
  void aLimitSentByEnvoyIsIgnoredForAnUnknownDomain() {
    // envoyproxy/ratelimit src/config/config_impl.go GetLimit: the domain lookup returns nil (and
    // counts domain_not_found) before descriptor.GetLimit() is looked at.
    LimiterFixture rl = new LimiterFixture(EDGE);
    Descriptor overridden =
        new Descriptor(
            List.of(new Entry("remote_address", "9.9.9.9")),
            Optional.of(new Descriptor.LimitOverride(0, Unit.MINUTE)),
            OptionalLong.empty());

    RateLimitResponse response = rl.call("not_configured", overridden, d("a", "b"));

    assertThat(response.overallCode()).isEqualTo(Code.OK);
    assertThat(response.statuses()).allMatch(s -> s.currentLimit().isEmpty());
    assertThat(rl.stats.get("domain_not_found", "not_configured")).isEqualTo(2);
  }

  @Test
  void responseHeadersComeFromTheMostRestrictiveStatus() {
    LimiterFixture rl =
        new LimiterFixture(
            MESSAGING,
            new LimiterSettings(
                "",
                0.8,
                300,
                false,
                true,
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                false));
    rl.now.set(86_400L * 20_000 + 100);

    RateLimitResponse response =
        rl.call("messaging", d("to_number", "1"), d("message_type", "marketing", "to_number", "1"));

    assertThat(response.headers())
        .containsExactly(
            new RateLimitResponse.Header("RateLimit-Limit", "5"),
            new RateLimitResponse.Header("RateLimit-Remaining", "4"),
            new RateLimitResponse.Header("RateLimit-Reset", "86300"));
  }

  @Test
  void withSeveralDescriptorsOverTheLimitTheHeadersDescribeTheLastOne() {
    // envoyproxy/ratelimit src/service/ratelimit.go shouldRateLimitWorker: every non-quota
    // descriptor over its limit sets minimumDescriptor, so the last one is reported.
    LimiterFixture rl =
        new LimiterFixture(
            """
            domain: d
            descriptors:
              - {key: a, rate_limit: {unit: minute, requests_per_unit: 0}}
              - {key: b, rate_limit: {unit: hour, requests_per_unit: 0}}
            """,
            new LimiterSettings(
                "",
                0.8,
                300,
                false,
                true,
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                false));
    rl.now.set(3_600L * 1_000 + 100);

    RateLimitResponse response = rl.call("d", d("a", "x"), d("b", "x"));

    assertThat(response.headers())
        .containsExactly(
            new RateLimitResponse.Header("RateLimit-Limit", "0"),
            new RateLimitResponse.Header("RateLimit-Remaining", "0"),
            new RateLimitResponse.Header("RateLimit-Reset", "3500"));
  }

  @Test
  void noHeadersUnlessEnabledOrWithoutALimit() {
    LimiterFixture rl = new LimiterFixture(MESSAGING);

    assertThat(rl.call("messaging", d("to_number", "1")).headers()).isEmpty();
  }

  @Test
  void quotasAreOverOnlyWhenAllOfThemAre() {
    LimiterFixture rl =
        new LimiterFixture(
            """
            domain: q
            descriptors:
              - {key: a, quota_mode: true, rate_limit: {unit: hour, requests_per_unit: 0}}
              - {key: b, quota_mode: true, rate_limit: {unit: hour, requests_per_unit: 5}}
            """);

    assertThat(rl.call("q", d("a", "x"), d("b", "x")).overallCode()).isEqualTo(Code.OK);
    assertThat(rl.call("q", d("a", "x")).overallCode()).isEqualTo(Code.OVER_LIMIT);
  }

  @Test
  void malformedRequestsAreErrorsNotAnswers() {
    LimiterFixture rl = new LimiterFixture(MESSAGING);

    assertThatThrownBy(() -> rl.call("", d("a", "b")))
        .hasMessage("rate limit domain must not be empty");
    assertThatThrownBy(() -> rl.call("messaging"))
        .hasMessage("rate limit descriptor list must not be empty");
    rl.config = null;
    assertThatThrownBy(() -> rl.call("messaging", d("a", "b")))
        .hasMessage("no rate limit configuration loaded");
  }

  private static long limitOf(RateLimitResponse response) {
    return response.statuses().get(0).currentLimit().orElseThrow().requestsPerUnit();
  }
}
