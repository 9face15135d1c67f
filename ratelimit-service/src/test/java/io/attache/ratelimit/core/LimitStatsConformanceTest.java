package io.attache.ratelimit.core;

import static io.attache.ratelimit.core.LimiterFixture.d;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The per-limit statistics as the reference counts them (envoyproxy/ratelimit
 * src/limiter/base_limiter.go and src/config/config_impl.go), pinned with in-memory counters.
 */
class LimitStatsConformanceTest {

  @Test
  void shadowModeCountsOnlyTheHitsPastTheLimit() {
    // base_limiter.go increaseShadowModeStats: all hits when the counter was already over the
    // limit before them, otherwise only after - limit, as over_limit.
    LimiterFixture rl =
        new LimiterFixture(
            "domain: d\ndescriptors:\n"
                + "  - {key: k, shadow_mode: true, rate_limit: {unit: hour, requests_per_unit: 2}}\n");

    rl.call(new RateLimitRequest("d", List.of(d("k", "v")), 3, Optional.empty()));
    assertThat(rl.stats.get("shadow_mode", "d.k")).isEqualTo(1);
    assertThat(rl.stats.get("over_limit", "d.k")).isEqualTo(1);

    rl.call("d", d("k", "v"));
    assertThat(rl.stats.get("shadow_mode", "d.k")).isEqualTo(2);
  }

  @Test
  void detailedMetricNamesTheStatsAfterTheRequestsValuesAtEveryLevel() {
    // config_impl.go GetLimit: a detailed_metric limit's stats key is detailedMetricFullKey,
    // the domain and every entry's key_value as the request sent it ("includes values for all
    // descriptors"), not only the leaf's value.
    LimiterFixture rl =
        new LimiterFixture(
            """
            domain: d
            descriptors:
              - key: route
                descriptors:
                  - key: user
                    detailed_metric: true
                    rate_limit: {unit: hour, requests_per_unit: 5}
            """);

    rl.call("d", d("route", "api", "user", "alice"));

    assertThat(rl.stats.get("total_hits", "d.route_api.user_alice")).isEqualTo(1);
  }

  @Test
  void valueToMetricPutsTheRequestsValueIntoTheStatsKey() {
    // config_impl.go GetLimit, valueToMetricFullKey: on a key-only or wildcard match the level is
    // key_value with the request's value, or the bare key when that value is empty; a level
    // without value_to_metric keeps what matched.
    LimiterFixture rl =
        new LimiterFixture(
            """
            domain: d
            descriptors:
              - key: route
                value_to_metric: true
                descriptors:
                  - key: user
                    value: "a*"
                    rate_limit: {unit: hour, requests_per_unit: 5}
                  - key: user
                    rate_limit: {unit: hour, requests_per_unit: 5}
            """);

    rl.call("d", d("route", "api", "user", "alice"));
    rl.call("d", d("route", "api", "user", "bob"));
    rl.call("d", d("route", "", "user", "bob"));

    assertThat(rl.stats.get("total_hits", "d.route_api.user_a*")).isEqualTo(1);
    assertThat(rl.stats.get("total_hits", "d.route_api.user")).isEqualTo(1);
    assertThat(rl.stats.get("total_hits", "d.route.user")).isEqualTo(1);
  }

  @Test
  void aWildcardSharingItsCounterKeepsItsPatternInTheStatsKeyDespiteValueToMetric() {
    // config_impl.go GetLimit: with share_threshold the level is key_pattern, value_to_metric or
    // not, so all the values sharing one counter share one stat.
    LimiterFixture rl =
        new LimiterFixture(
            """
            domain: d
            descriptors:
              - key: file
                value: "img*"
                share_threshold: true
                value_to_metric: true
                rate_limit: {unit: hour, requests_per_unit: 5}
            """);

    rl.call("d", d("file", "img1"));
    rl.call("d", d("file", "img2"));

    assertThat(rl.stats.get("total_hits", "d.file_img*")).isEqualTo(2);
  }

  @Test
  void theNearLimitThresholdIsComputedInFloat32() {
    // base_limiter.go: uint32(math.Floor(float64(float32(limit) * nearLimitRatio))), where
    // NEAR_LIMIT_RATIO is a float32 (settings.go). 100 * 0.29 is 29 in float32, 28.999... in
    // float64.
    LimiterFixture rl =
        new LimiterFixture(
            "domain: d\ndescriptors:\n  - {key: k, rate_limit: {unit: hour, requests_per_unit: 100}}\n",
            new LimiterSettings(
                "",
                0.29,
                300,
                false,
                false,
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                false));

    rl.call(new RateLimitRequest("d", List.of(d("k", "v")), 29, Optional.empty()));
    assertThat(rl.stats.get("near_limit", "d.k")).isZero();

    rl.call("d", d("k", "v"));
    assertThat(rl.stats.get("near_limit", "d.k")).isEqualTo(1);
  }
}
