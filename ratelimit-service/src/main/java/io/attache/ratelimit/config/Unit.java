package io.attache.ratelimit.config;

import java.util.Locale;
import java.util.Optional;

/**
 * A limit's window. Seconds per window as the reference service divides time ({@code
 * UnitToDivider}): a month is 30 days and a year 365, windows aligned to the Unix epoch. {@code
 * protoNumber} is the value of {@code RateLimitResponse.RateLimit.Unit} on the wire.
 */
public enum Unit {
  SECOND(1, 1),
  MINUTE(60, 2),
  HOUR(3_600, 3),
  DAY(86_400, 4),
  MONTH(2_592_000, 5),
  YEAR(31_536_000, 6),
  WEEK(604_800, 7);

  private final long seconds;
  private final int protoNumber;

  Unit(long seconds, int protoNumber) {
    this.seconds = seconds;
    this.protoNumber = protoNumber;
  }

  public long seconds() {
    return seconds;
  }

  public int protoNumber() {
    return protoNumber;
  }

  /** Parses a unit name case-insensitively, as the reference does with {@code strings.ToUpper}. */
  public static Optional<Unit> parse(String name) {
    try {
      return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  public static Optional<Unit> fromProtoNumber(int number) {
    for (Unit unit : values()) {
      if (unit.protoNumber == number) {
        return Optional.of(unit);
      }
    }
    return Optional.empty();
  }
}
