package io.attache.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version this build was made from, as Maven knew it ({@code build.properties}, filtered at
 * build time): for {@code attache --version} and the {@code attache_build_info} metric.
 */
public final class BuildInfo {
  private static final String VERSION = load();

  private BuildInfo() {}

  public static String version() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "unknown");
      return version.startsWith("${") ? "unknown" : version;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
