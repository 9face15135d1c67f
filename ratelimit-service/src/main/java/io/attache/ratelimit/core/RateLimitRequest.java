package io.attache.ratelimit.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code ShouldRateLimit} call, free of protobuf.
 *
 * @param domain the configuration domain
 * @param descriptors what to check, each limited independently
 * @param hitsAddend hits to count for every descriptor without its own; 0 means 1
 * @param requestId the caller's request id, when it passed one (for events only)
 */
public record RateLimitRequest(
    String domain, List<Descriptor> descriptors, long hitsAddend, Optional<String> requestId) {
  public RateLimitRequest {
    Objects.requireNonNull(domain, "domain");
    descriptors = List.copyOf(descriptors);
    Objects.requireNonNull(requestId, "requestId");
  }
}
