package io.attache.authz.policy;

import io.attache.runtime.Settings;
import java.time.Duration;
import java.util.Map;

/** Durations written in policies ({@code 60s}, {@code 5m}), read as the services' settings are. */
public final class PolicyDurations {
  private PolicyDurations() {}

  /**
   * @param field names the field in the message ({@code clockSkew})
   * @throws IllegalArgumentException when {@code value} is not a duration
   */
  public static Duration parse(String value, String field) {
    Settings parsed = new Settings(Map.of(field, value));
    Duration duration = parsed.duration(field, Duration.ZERO);
    try {
      parsed.validate();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(field + ": not a duration (e.g. 30s)", e);
    }
    return duration;
  }

  /**
   * {@code value} read, {@code fallback} when it is absent; a value that is not a duration adds a
   * problem at {@code path.field} and gives null.
   */
  public static Duration orDefault(
      String value, String field, Duration fallback, String path, java.util.List<String> problems) {
    if (value == null) {
      return fallback;
    }
    try {
      return parse(value, field);
    } catch (IllegalArgumentException e) {
      problems.add(path + "." + e.getMessage());
      return null;
    }
  }
}
