package io.attache.ratelimit.core;

import static io.attache.ratelimit.core.LimiterFixture.d;
import static org.assertj.core.api.Assertions.assertThat;

import io.attache.ratelimit.store.CaffeineOverLimitCache;
import org.junit.jupiter.api.Test;

class NearCacheAndStopIncrementTest {
  private static final String TWO =
      """
      domain: d
      descriptors:
        - {key: tight, rate_limit: {unit: hour, requests_per_unit: 1}}
        - {key: loose, rate_limit: {unit: hour, requests_per_unit: 100}}
      """;

  @Test
  void keysFoundOverTheLimitAreAnsweredFromTheNearCacheWithoutCounting() {
    LimiterFixture probe = new LimiterFixture(TWO);
    LimiterFixture rl =
        new LimiterFixture(
            TWO, LimiterSettings.defaults(), new CaffeineOverLimitCache(1 << 20, probe.now::get));
    rl.now.set(probe.now.get());
    rl.call("d", d("tight", "x"));
    rl.call("d", d("tight", "x")); // over: remembered
    long[] before =
        rl.store
            .get(new String[] {"d_tight_x_" + (rl.now.get() / 3600) * 3600})
            .toCompletableFuture()
            .join();

    RateLimitResponse third = rl.call("d", d("tight", "x"));

    long[] after =
        rl.store
            .get(new String[] {"d_tight_x_" + (rl.now.get() / 3600) * 3600})
            .toCompletableFuture()
            .join();
    assertThat(third.overallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(after[0]).isEqualTo(before[0]);
  }

  @Test
  void withStopIncrementOtherCountersAreLeftAloneWhenOneWouldGoOver() {
    LimiterFixture rl =
        new LimiterFixture(TWO, new LimiterSettings("", 0.8, 0, false, false, "a", "b", "c", true));
    rl.call("d", d("tight", "x"), d("loose", "y")); // tight 1/1, loose 1/100

    RateLimitResponse second = rl.call("d", d("tight", "x"), d("loose", "y"));
    RateLimitResponse looseAlone = rl.call("d", d("loose", "y"));

    assertThat(second.statuses().get(0).code()).isEqualTo(Code.OVER_LIMIT);
    // The second call did not count against "loose": 100 - 1 (first) - 1 (this one).
    assertThat(looseAlone.statuses().get(0).remaining()).isEqualTo(98);
  }

  @Test
  void withoutStopIncrementEveryCounterCounts() {
    LimiterFixture rl = new LimiterFixture(TWO);
    rl.call("d", d("tight", "x"), d("loose", "y"));
    rl.call("d", d("tight", "x"), d("loose", "y"));

    assertThat(rl.call("d", d("loose", "y")).statuses().get(0).remaining()).isEqualTo(97);
  }
}
