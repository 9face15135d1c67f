package io.attache.bench.metrics;

/** Reading sample lines of the Prometheus text format, shared by the scrapes' parsers. */
final class SampleLines {
  private SampleLines() {}

  /**
   * The sample value after a series that ends before {@code from} (its name, or the {@code }}
   * closing its labels); a timestamp after the value, if any, ignored.
   */
  static double value(String line, int from) {
    String[] parts = line.substring(from).strip().split("\\s+");
    return Double.parseDouble(parts[0]);
  }

  /** Where the series of a sample line of {@code name} ends (past its labels, if any), or -1. */
  static int seriesEnd(String line, String name) {
    if (!line.startsWith(name) || line.length() == name.length()) {
      return -1;
    }
    char next = line.charAt(name.length());
    if (next == ' ') {
      return name.length();
    }
    return next == '{' ? line.indexOf('}', name.length()) + 1 : -1;
  }
}
