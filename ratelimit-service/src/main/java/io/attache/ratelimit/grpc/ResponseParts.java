package io.attache.ratelimit.grpc;

import com.google.protobuf.Duration;
import io.attache.ratelimit.core.DescriptorStatus;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Parts of {@code ShouldRateLimit} answers that repeat from call to call, built once instead of
 * through a builder per descriptor per call: the limit that applied (the configuration has a few)
 * and the time until its window resets (a second for per-second limits, at most an hour for most
 * others). Messages are immutable, so any thread may use them. Bounded: a request may carry a limit
 * of its own with any value, and a day's window any number of seconds.
 */
final class ResponseParts {
  static final int MAX_LIMITS = 1_024;
  static final int MAX_RESET_SECONDS = 3_600;

  private final ConcurrentHashMap<DescriptorStatus.CurrentLimit, RateLimitResponse.RateLimit>
      limits = new ConcurrentHashMap<>();
  private final AtomicReferenceArray<Duration> resets =
      new AtomicReferenceArray<>(MAX_RESET_SECONDS + 1);

  /** The message for {@code limit}, as {@link ProtoMapping} builds it. */
  RateLimitResponse.RateLimit limit(DescriptorStatus.CurrentLimit limit) {
    RateLimitResponse.RateLimit message = limits.get(limit);
    if (message == null) {
      message = ProtoMapping.limit(limit);
      if (limits.size() < MAX_LIMITS) {
        limits.putIfAbsent(limit, message);
      }
    }
    return message;
  }

  /** {@code seconds} as a protobuf duration. */
  Duration seconds(long seconds) {
    if (seconds < 0 || seconds > MAX_RESET_SECONDS) {
      return Duration.newBuilder().setSeconds(seconds).build();
    }
    int index = (int) seconds;
    Duration duration = resets.get(index);
    if (duration == null) {
      duration = Duration.newBuilder().setSeconds(seconds).build();
      resets.lazySet(index, duration);
    }
    return duration;
  }
}
