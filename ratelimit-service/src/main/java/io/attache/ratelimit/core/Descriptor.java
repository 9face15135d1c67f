package io.attache.ratelimit.core;

import io.attache.ratelimit.config.Unit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One descriptor of a request.
 *
 * @param entries its entries, in order
 * @param limitOverride a limit Envoy sent with it, used instead of the configuration
 * @param hitsAddend its own hits, which win over the request's (0 means check only)
 */
public record Descriptor(
    List<Entry> entries, Optional<LimitOverride> limitOverride, OptionalLong hitsAddend) {

  /** A limit carried by the request ({@code RateLimitDescriptor.limit}). */
  public record LimitOverride(long requestsPerUnit, Unit unit) {}

  public Descriptor {
    entries = List.copyOf(entries);
    Objects.requireNonNull(limitOverride, "limitOverride");
    Objects.requireNonNull(hitsAddend, "hitsAddend");
  }

  public static Descriptor of(Entry... entries) {
    return new Descriptor(List.of(entries), Optional.empty(), OptionalLong.empty());
  }
}
