package io.attache.ratelimit.core;

import io.attache.ratelimit.config.Unit;
import java.util.Optional;

/**
 * The answer for one descriptor.
 *
 * @param code OK or OVER_LIMIT (shadow mode answers OK)
 * @param currentLimit the limit that applied; empty when none matched or it is unlimited
 * @param remaining calls left in the window (0 when over; 4294967295 when unlimited)
 * @param secondsUntilReset until the window ends; 0 without a limit
 */
public record DescriptorStatus(
    Code code, Optional<CurrentLimit> currentLimit, long remaining, long secondsUntilReset) {

  /**
   * The limit as the protocol reports it; no unit for a window no unit equals.
   *
   * @param windowSeconds the window's length, which the protocol has no field for
   */
  public record CurrentLimit(
      Optional<String> name, long requestsPerUnit, Optional<Unit> unit, long windowSeconds) {}

  static final long UNLIMITED_REMAINING = 4_294_967_295L;

  static final DescriptorStatus NO_LIMIT = new DescriptorStatus(Code.OK, Optional.empty(), 0, 0);

  static final DescriptorStatus UNLIMITED =
      new DescriptorStatus(Code.OK, Optional.empty(), UNLIMITED_REMAINING, 0);
}
