package io.attache.ratelimit.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A limit configured on a descriptor node.
 *
 * @param name the limit's name, the target of another limit's {@code replaces}
 * @param requestsPerUnit calls allowed per window (0 blocks everything)
 * @param window the window, epoch-aligned; empty only when {@code unlimited}
 * @param unlimited never counted, always OK
 * @param replaces names of limits this one replaces when both match a request
 * @param shadowMode counted and reported, never enforced
 * @param quotaMode a quota: the overall answer is over limit only when every quota is
 * @param statsKey the reference's stat name, {@code domain.key_value.key}
 * @param algorithm how the limit counts
 * @param burst for a token bucket, the tokens it holds (its capacity); 0 for a fixed window
 */
public record RateLimitRule(
    Optional<String> name,
    long requestsPerUnit,
    Optional<Window> window,
    boolean unlimited,
    List<String> replaces,
    boolean shadowMode,
    boolean quotaMode,
    String statsKey,
    Algorithm algorithm,
    long burst) {

  public RateLimitRule {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(window, "window");
    replaces = List.copyOf(replaces);
    Objects.requireNonNull(statsKey, "statsKey");
    if (!unlimited && window.isEmpty()) {
      throw new IllegalArgumentException("a limited rule needs a unit or a window");
    }
  }

  /**
   * The hits the limit admits at once: a token bucket's {@code burst}, a fixed window's {@code
   * requests_per_unit}.
   */
  public long capacity() {
    return algorithm == Algorithm.TOKEN_BUCKET ? burst : requestsPerUnit;
  }

  /**
   * Whether a token bucket's capacity in micros (burst × window / requests_per_unit) is within
   * 2^53, counted exactly in Redis's Lua numbers; true for any other rule.
   */
  public boolean bucketFits() {
    if (algorithm != Algorithm.TOKEN_BUCKET || requestsPerUnit == 0 || window.isEmpty()) {
      return true;
    }
    long emission = -Math.floorDiv(-window.get().seconds() * 1_000_000, requestsPerUnit);
    return capacity() <= (1L << 53) / emission;
  }

  /** The unit the window is exactly, as the response reports it; empty for other windows. */
  public Optional<Unit> unit() {
    return window.flatMap(Window::unit);
  }

  /** A limit sent by Envoy in the request ({@code descriptor.limit}): no name, no shadow mode. */
  public static RateLimitRule override(long requestsPerUnit, Unit unit, String statsKey) {
    return new RateLimitRule(
        Optional.empty(),
        requestsPerUnit,
        Optional.of(Window.of(unit)),
        false,
        List.of(),
        false,
        false,
        statsKey,
        Algorithm.FIXED_WINDOW,
        0);
  }

  /** The same rule counted under another stat name. */
  public RateLimitRule withStatsKey(String key) {
    return new RateLimitRule(
        name,
        requestsPerUnit,
        window,
        unlimited,
        replaces,
        shadowMode,
        quotaMode,
        key,
        algorithm,
        burst);
  }
}
