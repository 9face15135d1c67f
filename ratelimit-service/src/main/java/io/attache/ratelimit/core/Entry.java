package io.attache.ratelimit.core;

import java.util.Objects;

/** One {@code key=value} entry of a request descriptor. */
public record Entry(String key, String value) {
  public Entry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
