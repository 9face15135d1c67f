package io.attache.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Typed access to environment variables. Each getter takes the documented default; a value that
 * does not parse is collected, not thrown, so {@link #validate()} reports every bad variable at
 * once, each with its name, the value and the reason.
 */
public final class Settings {
  private final Map<String, String> values;
  private final List<String> problems = new ArrayList<>();

  public Settings(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /** The process environment. */
  public static Settings fromEnvironment() {
    return new Settings(System.getenv());
  }

  public Optional<String> optional(String name) {
    String value = values.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public int integer(String name, int defaultValue, int min, int max) {
    return (int) number(name, defaultValue, min, max);
  }

  public long number(String name, long defaultValue, long min, long max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(raw.get());
      if (value < min || value > max) {
        problems.add(name + "=" + raw.get() + ": must be between " + min + " and " + max);
        return defaultValue;
      }
      return value;
    } catch (NumberFormatException e) {
      problems.add(name + "=" + raw.get() + ": not a whole number");
      return defaultValue;
    }
  }

  public int port(String name, int defaultValue) {
    return integer(name, defaultValue, 0, 65_535);
  }

  public double decimal(String name, double defaultValue, double min, double max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      double value = Double.parseDouble(raw.get());
      if (!(value >= min && value <= max)) {
        problems.add(name + "=" + raw.get() + ": must be between " + min + " and " + max);
        return defaultValue;
      }
      return value;
    } catch (NumberFormatException e) {
      problems.add(name + "=" + raw.get() + ": not a number");
      return defaultValue;
    }
  }

  /** Booleans as Go's strconv.ParseBool reads them (the reference rate-limit service is in Go). */
  public boolean bool(String name, boolean defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    switch (raw.get()) {
      case "1", "t", "T", "TRUE", "true", "True" -> {
        return true;
      }
      case "0", "f", "F", "FALSE", "false", "False" -> {
        return false;
      }
      default -> {
        problems.add(name + "=" + raw.get() + ": not a boolean (true or false)");
        return defaultValue;
      }
    }
  }

  /**
   * Durations as Go writes them ({@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}) or ISO-8601.
   */
  public Duration duration(String name, Duration defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    Optional<Duration> parsed = parseDuration(raw.get());
    if (parsed.isEmpty()) {
      problems.add(name + "=" + raw.get() + ": not a duration (e.g. 500ms, 2s, 1m)");
      return defaultValue;
    }
    return parsed.get();
  }

  public <E extends Enum<E>> E choice(String name, E defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    Class<E> type = defaultValue.getDeclaringClass();
    try {
      return Enum.valueOf(type, raw.get().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      List<String> allowed = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
        allowed.add(constant.name().toLowerCase(Locale.ROOT));
      }
      problems.add(name + "=" + raw.get() + ": must be one of " + String.join(", ", allowed));
      return defaultValue;
    }
  }

  /** Every variable starting with {@code prefix}, the prefix removed. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> matching = new TreeMap<>();
    values.forEach(
        (name, value) -> {
          if (name.startsWith(prefix) && name.length() > prefix.length()) {
            matching.put(name.substring(prefix.length()), value);
          }
        });
    return matching;
  }

  /** Records a problem found by a caller's own check, to be reported with the rest. */
  public void reject(String name, String reason) {
    problems.add(name + "=" + values.getOrDefault(name, "") + ": " + reason);
  }

  /** Throws if any getter met a value it could not use. */
  public void validate() {
    if (!problems.isEmpty()) {
      throw new InvalidSettingsException(problems);
    }
  }

  static Optional<Duration> parseDuration(String text) {
    String value = text.trim();
    try {
      if (value.startsWith("P") || value.startsWith("p")) {
        return Optional.of(Duration.parse(value));
      }
      if (value.equals("0")) {
        return Optional.of(Duration.ZERO); // as Go's time.ParseDuration
      }
      // Longer suffixes first: "ms" and "us" before "s".
      String[][] units = {
        {"ns", "1"},
        {"us", "1000"},
        {"µs", "1000"},
        {"ms", "1000000"},
        {"s", "1000000000"},
        {"m", "60000000000"},
        {"h", "3600000000000"}
      };
      for (String[] unit : units) {
        if (value.endsWith(unit[0])) {
          String amount = value.substring(0, value.length() - unit[0].length());
          double nanos = Double.parseDouble(amount) * Long.parseLong(unit[1]);
          return nanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos((long) nanos));
        }
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
