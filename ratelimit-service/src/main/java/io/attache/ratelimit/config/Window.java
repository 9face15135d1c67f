package io.attache.ratelimit.config;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A limit's window: a whole number of seconds, aligned to the Unix epoch as the reference aligns
 * its units' windows (a 5-second window starts at every multiple of 5 seconds since 1970). A {@code
 * unit} is the window of its length; {@code window: 5s} (our extension to the reference's YAML) any
 * length.
 *
 * @param seconds at least 1
 */
public record Window(long seconds) {
  private static final Pattern TEXT = Pattern.compile("([1-9][0-9]{0,9})(s|m|h|d)");

  /** The longest window: a year, the reference's longest unit. */
  public static final long MAX_SECONDS = 31_536_000;

  public Window {
    if (seconds < 1 || seconds > MAX_SECONDS) {
      throw new IllegalArgumentException(
          "a window is one second to a year (365d), was " + seconds + " s");
    }
  }

  public static Window of(Unit unit) {
    return new Window(unit.seconds());
  }

  /**
   * Reads {@code 5s}, {@code 10m}, {@code 2h} or {@code 1d}: a whole number and one unit, as
   * Envoy's and Gateway API's durations are written, without fractions (windows are counted in
   * whole seconds).
   */
  public static Optional<Window> parse(String text) {
    Matcher matcher = TEXT.matcher(text.strip());
    if (!matcher.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(matcher.group(1));
    long scale =
        switch (matcher.group(2)) {
          case "s" -> 1;
          case "m" -> 60;
          case "h" -> 3_600;
          default -> 86_400;
        };
    long seconds = amount * scale; // at most 10 digits times 86,400: no overflow
    return seconds > MAX_SECONDS ? Optional.empty() : Optional.of(new Window(seconds));
  }

  /**
   * The unit this window is exactly, if any: what the response reports as the limit's unit. A
   * window no unit equals is reported as {@code UNKNOWN}, which Envoy's {@code x-ratelimit-*}
   * headers leave out of the quota policy rather than mislabel.
   */
  public Optional<Unit> unit() {
    return Arrays.stream(Unit.values()).filter(u -> u.seconds() == seconds).findFirst();
  }
}
