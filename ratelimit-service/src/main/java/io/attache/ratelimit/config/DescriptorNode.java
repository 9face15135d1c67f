package io.attache.ratelimit.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One level of a domain's descriptor tree. Children are found by {@code key_value} (exact), then by
 * wildcard patterns in the order the file lists them, then by {@code key} alone (the default
 * value).
 *
 * @param children by composite key: {@code key} or {@code key_value}
 * @param wildcards children whose value holds {@code *}, in file order
 * @param limit the limit at this node, if any
 * @param detailedMetric name this node's limit's stats after the request's values at every level
 * @param valueToMetric put the request's value into the stat name at this level
 * @param shareThreshold all values matching this wildcard share one counter
 * @param pattern for a wildcard node, its {@code key_value} pattern
 */
public record DescriptorNode(
    Map<String, DescriptorNode> children,
    List<Wildcard> wildcards,
    Optional<RateLimitRule> limit,
    boolean detailedMetric,
    boolean valueToMetric,
    boolean shareThreshold,
    Optional<String> pattern) {

  /** A child matched by pattern: {@code *} stands for any run of characters, anywhere. */
  public record Wildcard(String pattern, DescriptorNode node) {
    public boolean matches(String compositeKey) {
      return io.attache.runtime.Glob.matches(pattern, compositeKey);
    }
  }

  public DescriptorNode {
    children = Map.copyOf(children);
    wildcards = List.copyOf(wildcards);
  }

  public boolean hasChildren() {
    return !children.isEmpty();
  }
}
