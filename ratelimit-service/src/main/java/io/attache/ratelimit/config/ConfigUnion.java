package io.attache.ratelimit.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration in force: the files' domains plus the accepted policies' (never overlapping).
 */
public final class ConfigUnion {
  private ConfigUnion() {}

  public static RateLimitConfig of(RateLimitConfig files, RateLimitConfig policies) {
    if (files == null) {
      return policies;
    }
    if (policies == null || policies.domains().isEmpty()) {
      return files;
    }
    Map<String, DescriptorNode> domains = new LinkedHashMap<>(files.domains());
    policies.domains().forEach(domains::putIfAbsent);
    List<String> sources = new ArrayList<>(files.sources());
    sources.addAll(policies.sources());
    return new RateLimitConfig(domains, sources, files.version() + "+" + policies.version());
  }
}
