package io.attache.ratelimit.core;

/** The answer for a descriptor or a whole request. */
public enum Code {
  OK,
  OVER_LIMIT
}
