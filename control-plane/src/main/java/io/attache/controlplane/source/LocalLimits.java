package io.attache.controlplane.source;

import io.attache.controlplane.model.PolicyAttachment;
import io.attache.crds.v1alpha1.LocalRateLimit;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A RateLimitPolicy's {@code spec.local}: Envoy's token bucket per route. Checked as the CRD schema
 * checks it (a file gets no admission), and as Envoy's {@code local_ratelimit} filter needs it: a
 * fill interval of at least 50 ms (and at most a day, the longest unit, far inside what a protobuf
 * Duration holds), token counts that fit in a uint32.
 */
final class LocalLimits {
  private static final Pattern WINDOW = Pattern.compile("([1-9][0-9]{0,9})(ms|s|m|h)");
  private static final long MAX_UINT32 = 4_294_967_295L;
  private static final Duration LEAST_FILL = Duration.ofMillis(50);
  private static final Duration MOST_FILL = Duration.ofDays(1);

  private LocalLimits() {}

  static Optional<PolicyAttachment.Local> convert(
      LocalRateLimit local, String path, DocumentErrors errors) {
    boolean valid = true;
    Long requests = local.getRequestsPerUnit();
    if (requests == null || requests < 1 || requests > MAX_UINT32) {
      errors.add(path + ".requests_per_unit", "required, 1 to 4294967295");
      valid = false;
    }
    Long burst = local.getBurst();
    if (burst != null && (burst < 1 || burst > MAX_UINT32)) {
      errors.add(path + ".burst", "1 to 4294967295");
      valid = false;
    }
    Optional<Duration> fill = fillInterval(local, path, errors);
    if (!valid || fill.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new PolicyAttachment.Local(burst == null ? requests : burst, requests, fill.get()));
  }

  private static Optional<Duration> fillInterval(
      LocalRateLimit local, String path, DocumentErrors errors) {
    if (local.getUnit() == null && local.getWindow() == null) {
      errors.add(path + ".unit", "required: give unit or window");
      return Optional.empty();
    }
    if (local.getUnit() != null && local.getWindow() != null) {
      errors.add(path + ".window", "give unit or window, not both");
      return Optional.empty();
    }
    if (local.getUnit() != null) {
      Duration unit =
          switch (local.getUnit().toLowerCase(Locale.ROOT)) {
            case "second" -> Duration.ofSeconds(1);
            case "minute" -> Duration.ofMinutes(1);
            case "hour" -> Duration.ofHours(1);
            case "day" -> Duration.ofDays(1);
            default -> null;
          };
      if (unit == null) {
        errors.add(path + ".unit", "must be second, minute, hour or day");
      }
      return Optional.ofNullable(unit);
    }
    Matcher matcher = WINDOW.matcher(local.getWindow().strip());
    if (!matcher.matches()) {
      errors.add(path + ".window", "a whole number of ms, s, m or h, e.g. 500ms or 5s");
      return Optional.empty();
    }
    long amount = Long.parseLong(matcher.group(1));
    Duration window =
        switch (matcher.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
    if (window.compareTo(LEAST_FILL) < 0) {
      errors.add(path + ".window", "at least 50ms, the least fill interval Envoy takes");
      return Optional.empty();
    }
    if (window.compareTo(MOST_FILL) > 0) {
      errors.add(path + ".window", "at most 24h");
      return Optional.empty();
    }
    return Optional.of(window);
  }
}
