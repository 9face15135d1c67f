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
 * @param traceparent the W3C trace context of the call when it is traced (for events only)
 */
public record RateLimitRequest(
    String domain,
    List<Descriptor> descriptors,
    long hitsAddend,
    Optional<String> requestId,
    Optional<String> traceparent) {
  public RateLimitRequest {
    Objects.requireNonNull(domain, "domain");
    descriptors = List.copyOf(descriptors);
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(traceparent, "traceparent");
  }

  /** An untraced call. */
  public RateLimitRequest(
      String domain, List<Descriptor> descriptors, long hitsAddend, Optional<String> requestId) {
    this(domain, descriptors, hitsAddend, requestId, Optional.empty());
  }
}
