package io.attache.runtime.logging;

/** {@code LOG_FORMAT}: one line of text per event (default), or one JSON object per line. */
public enum LogFormat {
  TEXT,
  JSON
}
