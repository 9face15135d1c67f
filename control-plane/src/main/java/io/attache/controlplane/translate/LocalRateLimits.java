package io.attache.controlplane.translate;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.attache.controlplane.model.PolicyAttachment;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.XRateLimitHeadersRFCVersion;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.TokenBucket;

/**
 * Envoy's {@code local_ratelimit} filter for a RateLimitPolicy's {@code spec.local}: on the
 * listener first and off, so a flood is shed before ext_authz and ratelimit-service are asked; on
 * for a targeted route with its own token bucket, enabled and enforced for every request (Envoy's
 * default is neither, for safety). A refused request is answered 429 by Envoy itself, with the
 * draft-03 {@code x-ratelimit-*} headers as the global filter sends them.
 */
final class LocalRateLimits {
  static final String FILTER = "envoy.filters.http.local_ratelimit";
  static final String STAT_PREFIX = "attache_local_rate_limit";

  private static final RuntimeFractionalPercent ALWAYS =
      RuntimeFractionalPercent.newBuilder()
          .setDefaultValue(
              FractionalPercent.newBuilder()
                  .setNumerator(100)
                  .setDenominator(FractionalPercent.DenominatorType.HUNDRED))
          .build();

  private LocalRateLimits() {}

  /** The listener's filter: no bucket of its own, off unless a route turns it on. */
  static HttpFilter filter() {
    return HttpFilter.newBuilder()
        .setName(FILTER)
        .setTypedConfig(Any.pack(LocalRateLimit.newBuilder().setStatPrefix(STAT_PREFIX).build()))
        .setDisabled(true)
        .build();
  }

  /** A route's bucket. */
  static LocalRateLimit perRoute(PolicyAttachment.Local local) {
    return LocalRateLimit.newBuilder()
        .setStatPrefix(STAT_PREFIX)
        .setTokenBucket(
            TokenBucket.newBuilder()
                .setMaxTokens((int) local.maxTokens())
                .setTokensPerFill(UInt32Value.of((int) local.tokensPerFill()))
                .setFillInterval(Durations.fromMillis(local.fillInterval().toMillis())))
        .setFilterEnabled(ALWAYS.toBuilder().setRuntimeKey(STAT_PREFIX + "_enabled"))
        .setFilterEnforced(ALWAYS.toBuilder().setRuntimeKey(STAT_PREFIX + "_enforced"))
        .setEnableXRatelimitHeaders(XRateLimitHeadersRFCVersion.DRAFT_VERSION_03)
        .build();
  }
}
