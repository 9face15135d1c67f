package io.attache.events;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Event ids: UUID version 7 (RFC 9562), time-ordered, so ids sort roughly by creation and stay
 * unique even when a spool directory is lost and sequences start over.
 */
public final class EventIds {
  private EventIds() {}

  public static String next(long epochMillis) {
    return new UUID(mostSignificantBits(epochMillis), leastSignificantBits()).toString();
  }

  /** The time-ordered half of a new id: 48 bits of milliseconds, the version, 12 random bits. */
  public static long mostSignificantBits(long epochMillis) {
    return (epochMillis << 16) | 0x7000L | (ThreadLocalRandom.current().nextLong() & 0x0fffL);
  }

  /** The random half of a new id, with the RFC 9562 variant. */
  public static long leastSignificantBits() {
    return (ThreadLocalRandom.current().nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
  }
}
