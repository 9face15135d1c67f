package io.attache.ratelimit.core;

/**
 * How the limiter counts and answers; each field is one of the reference service's variables.
 *
 * @param cacheKeyPrefix {@code CACHE_KEY_PREFIX}, before every counter key
 * @param nearLimitRatio {@code NEAR_LIMIT_RATIO} (0.8)
 * @param expirationJitterMaxSeconds {@code EXPIRATION_JITTER_MAX_SECONDS} (300)
 * @param globalShadowMode {@code SHADOW_MODE}: answer OK overall, keep the per-descriptor codes
 * @param responseHeaders {@code LIMIT_RESPONSE_HEADERS_ENABLED}
 * @param limitHeader {@code LIMIT_LIMIT_HEADER} ({@code RateLimit-Limit})
 * @param remainingHeader {@code LIMIT_REMAINING_HEADER} ({@code RateLimit-Remaining})
 * @param resetHeader {@code LIMIT_RESET_HEADER} ({@code RateLimit-Reset})
 * @param stopIncrementWhenOverLimit {@code STOP_CACHE_KEY_INCREMENT_WHEN_OVERLIMIT}
 */
public record LimiterSettings(
    String cacheKeyPrefix,
    double nearLimitRatio,
    long expirationJitterMaxSeconds,
    boolean globalShadowMode,
    boolean responseHeaders,
    String limitHeader,
    String remainingHeader,
    String resetHeader,
    boolean stopIncrementWhenOverLimit) {

  /** The reference service's defaults. */
  public static LimiterSettings defaults() {
    return new LimiterSettings(
        "",
        0.8,
        300,
        false,
        false,
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        false);
  }

  /** These settings with another {@code expirationJitterMaxSeconds}. */
  public LimiterSettings withExpirationJitter(long maxSeconds) {
    return new LimiterSettings(
        cacheKeyPrefix,
        nearLimitRatio,
        maxSeconds,
        globalShadowMode,
        responseHeaders,
        limitHeader,
        remainingHeader,
        resetHeader,
        stopIncrementWhenOverLimit);
  }
}
