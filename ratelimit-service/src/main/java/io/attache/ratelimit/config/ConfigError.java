package io.attache.ratelimit.config;

/**
 * One problem in a configuration source: where (file, line, field path) and why.
 *
 * @param source the file name (or resource name) it came from
 * @param line 1-based line, 0 when unknown
 * @param path the field, e.g. {@code descriptors[2].rate_limit.unit}; empty for the whole file
 * @param message the reason, worded as the reference service words it where it has a word for it
 */
public record ConfigError(String source, int line, String path, String message) {
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(source);
    if (line > 0) {
      text.append(':').append(line);
    }
    text.append(": ");
    if (!path.isEmpty()) {
      text.append(path).append(": ");
    }
    return text.append(message).toString();
  }
}
