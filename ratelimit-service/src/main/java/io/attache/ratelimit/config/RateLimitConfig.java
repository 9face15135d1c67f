package io.attache.ratelimit.config;

import java.util.Map;
import java.util.Optional;

/**
 * A loaded, validated configuration: one descriptor tree per domain. Immutable; the service swaps
 * the whole of it atomically on reload.
 *
 * @param domains the root node of each domain
 * @param sources where it was loaded from, for the config dump
 * @param version a content hash, for logs and events
 */
public record RateLimitConfig(
    Map<String, DescriptorNode> domains, java.util.List<String> sources, String version) {

  public RateLimitConfig {
    domains = Map.copyOf(domains);
    sources = java.util.List.copyOf(sources);
  }

  public Optional<DescriptorNode> domain(String name) {
    return Optional.ofNullable(domains.get(name));
  }
}
