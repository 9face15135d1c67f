package io.attache.ratelimit.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How a limit counts (our extension to the reference's YAML, {@code rate_limit.algorithm}).
 *
 * <ul>
 *   <li>{@link #FIXED_WINDOW}: the reference's, the default: a counter per epoch-aligned window, so
 *       up to twice the limit can pass across a window's edge.
 *   <li>{@link #SLIDING_WINDOW}: the weighted two-window estimate: a request passes when the
 *       previous window's count, weighted by the share of it still inside a window ending now, plus
 *       the current window's count and the request's hits is at most {@code requests_per_unit}.
 *       Refused hits count nothing. In any interval of length d ≤ window at most {@code
 *       requests_per_unit × (1 + d / window)} are admitted (the fixed window: twice the limit in an
 *       instant across an edge); when the previous window's traffic was even, a full window admits
 *       the limit.
 *   <li>{@link #TOKEN_BUCKET}: GCRA (the generic cell rate algorithm): a bucket of {@code burst}
 *       tokens refilled at {@code requests_per_unit} per window, one every window/requests; a
 *       request takes its hits or is refused and takes nothing. In any interval of length d at most
 *       {@code burst + d × rate} are admitted.
 * </ul>
 */
public enum Algorithm {
  FIXED_WINDOW("fixed_window"),
  SLIDING_WINDOW("sliding_window"),
  TOKEN_BUCKET("token_bucket");

  private final String configName;

  Algorithm(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static Optional<Algorithm> parse(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(a -> a.configName.equals(lower)).findFirst();
  }
}
