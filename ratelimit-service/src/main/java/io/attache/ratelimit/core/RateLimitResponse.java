package io.attache.ratelimit.core;

import java.util.List;

/**
 * The answer to a {@code ShouldRateLimit} call.
 *
 * @param overallCode OVER_LIMIT when any (non-quota) descriptor is over its limit
 * @param statuses one per request descriptor, in order
 * @param headers response headers for the client ({@code RateLimit-*}) when enabled
 */
public record RateLimitResponse(
    Code overallCode, List<DescriptorStatus> statuses, List<Header> headers) {

  /** A response header to add. */
  public record Header(String name, String value) {}

  public RateLimitResponse {
    statuses = List.copyOf(statuses);
    headers = List.copyOf(headers);
  }
}
