package io.attache.ratelimit.core;

import static io.attache.ratelimit.core.LimiterFixture.d;
import static org.assertj.core.api.Assertions.assertThat;

import io.attache.ratelimit.config.RateLimitRule;
import io.attache.ratelimit.config.Unit;
import io.attache.ratelimit.config.Window;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Per-tenant quotas (issue #25, part 5): the limit of one exact descriptor replaced, counted under
 * the same key, so a tenant's count carries over when its quota changes.
 */
class QuotaLimiterTest {
  private final AtomicReference<QuotaOverrides> quotas = new AtomicReference<>(QuotaOverrides.NONE);
  private final LimiterFixture rl =
      new LimiterFixture(
          "domain: api\ndescriptors:\n"
              + "  - {key: user, rate_limit: {unit: minute, requests_per_unit: 2}}\n");

  {
    rl.limiter =
        new RateLimiter(
            LimiterSettings.defaults(),
            rl.store,
            OverLimitCache.NONE,
            rl.stats,
            rl.now::get,
            quotas::get);
  }

  private static QuotaOverrides.Quota perMinute(long requests) {
    return new QuotaOverrides.Quota(
        requests, Optional.of(Window.of(Unit.MINUTE)), Optional.empty(), false);
  }

  private int admitted(Descriptor descriptor) {
    int admitted = 0;
    while (admitted < 100 && rl.call("api", descriptor).overallCode() == Code.OK) {
      admitted++;
    }
    return admitted;
  }

  @Test
  void aTenantsQuotaReplacesItsLimitAndItsCountCarriesOver() {
    RateLimitResponse first = rl.call("api", d("user", "alice"));
    quotas.set(QuotaOverrides.NONE.with("api", List.of(new Entry("user", "alice")), perMinute(5)));
    RateLimitResponse underQuota = rl.call("api", d("user", "alice"));

    assertThat(first.statuses().get(0).currentLimit().orElseThrow().requestsPerUnit()).isEqualTo(2);
    assertThat(underQuota.statuses().get(0).currentLimit().orElseThrow().requestsPerUnit())
        .isEqualTo(5);
    assertThat(underQuota.statuses().get(0).remaining()).isEqualTo(3); // two counted so far
    assertThat(admitted(d("user", "alice"))).isEqualTo(3);
    assertThat(admitted(d("user", "bob"))).as("others keep the configured limit").isEqualTo(2);
  }

  @Test
  void anUnlimitedQuotaLetsTheTenantThroughAndRemovingItRestoresTheLimit() {
    quotas.set(
        QuotaOverrides.NONE.with(
            "api",
            List.of(new Entry("user", "vip")),
            new QuotaOverrides.Quota(0, Optional.empty(), Optional.empty(), true)));

    RateLimitResponse unlimited = rl.call("api", d("user", "vip"));
    quotas.set(quotas.get().without("api", List.of(new Entry("user", "vip"))));

    assertThat(unlimited.statuses().get(0)).isEqualTo(DescriptorStatus.UNLIMITED);
    assertThat(admitted(d("user", "vip"))).isEqualTo(2);
  }

  /** The hot path: a quota'd tenant's rule is built once per configured rule, not per request. */
  @Test
  void aQuotasRuleIsBuiltOncePerConfiguredRule() {
    QuotaOverrides.Quota quota = perMinute(5);
    QuotaOverrides overrides =
        QuotaOverrides.NONE.with("api", List.of(new Entry("user", "alice")), quota);
    RateLimitRule configured = RateLimitRule.override(2, Unit.MINUTE, "api.user_alice");

    RateLimitRule first = overrides.applied(quota, configured);

    assertThat(first.requestsPerUnit()).isEqualTo(5);
    assertThat(overrides.applied(quota, configured)).isSameAs(first);
    // A reloaded configuration brings a new rule: built again, from it.
    RateLimitRule reloaded = RateLimitRule.override(3, Unit.MINUTE, "api.user_alice");
    assertThat(overrides.applied(quota, reloaded)).isNotSameAs(first).isEqualTo(first);
    // Two tenants' equal quotas meeting different rules each keep their own.
    QuotaOverrides.Quota bobs = perMinute(5);
    RateLimitRule other = RateLimitRule.override(2, Unit.HOUR, "api.user_bob");
    RateLimitRule alices = overrides.applied(quota, reloaded);
    RateLimitRule bob = overrides.applied(bobs, other);
    assertThat(overrides.applied(quota, reloaded)).isSameAs(alices);
    assertThat(overrides.applied(bobs, other)).isSameAs(bob);
  }

  /**
   * A quota without a window cannot apply to an unlimited rule (it has no window to keep): the rule
   * stays as configured rather than every request failing.
   */
  @Test
  void aQuotaWithoutAWindowLeavesAnUnlimitedRuleAsItIs() {
    LimiterFixture vip =
        new LimiterFixture(
            "domain: api\ndescriptors:\n"
                + "  - {key: user, value: vip, rate_limit: {unlimited: true}}\n");
    vip.limiter =
        new RateLimiter(
            LimiterSettings.defaults(),
            vip.store,
            OverLimitCache.NONE,
            vip.stats,
            vip.now::get,
            () ->
                QuotaOverrides.NONE.with(
                    "api",
                    List.of(new Entry("user", "vip")),
                    new QuotaOverrides.Quota(100, Optional.empty(), Optional.empty(), false)));

    assertThat(vip.call("api", d("user", "vip")).statuses().get(0))
        .isEqualTo(DescriptorStatus.UNLIMITED);
  }

  /**
   * A quota replaces a configured limit: a descriptor the configuration does not limit stays so.
   */
  @Test
  void aQuotaForADescriptorWithoutALimitChangesNothing() {
    quotas.set(QuotaOverrides.NONE.with("api", List.of(new Entry("tenant", "x")), perMinute(1)));

    RateLimitResponse response = rl.call("api", d("tenant", "x"));

    assertThat(response.statuses().get(0)).isEqualTo(DescriptorStatus.NO_LIMIT);
  }

  /** A limit Envoy sends with the descriptor wins, as it wins over the configuration. */
  @Test
  void aLimitSentByEnvoyWinsOverTheQuota() {
    quotas.set(QuotaOverrides.NONE.with("api", List.of(new Entry("user", "alice")), perMinute(50)));
    Descriptor sent =
        new Descriptor(
            List.of(new Entry("user", "alice")),
            Optional.of(new Descriptor.LimitOverride(1, Unit.MINUTE)),
            OptionalLong.empty());

    assertThat(admitted(sent)).isEqualTo(1);
  }
}
