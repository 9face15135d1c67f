package io.attache.runtime.logging;

import ch.qos.logback.classic.Level;

/** {@code LOG_LEVEL}, as the reference rate-limit service names it (default {@code info}). */
public enum LogLevel {
  TRACE(Level.TRACE),
  DEBUG(Level.DEBUG),
  INFO(Level.INFO),
  WARN(Level.WARN),
  ERROR(Level.ERROR);

  private final Level level;

  LogLevel(Level level) {
    this.level = level;
  }

  Level level() {
    return level;
  }
}
