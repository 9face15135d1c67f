package io.attache.ratelimit.core;

import io.attache.ratelimit.config.DescriptorNode;
import io.attache.ratelimit.config.RateLimitRule;
import java.util.List;

/**
 * Finds the limit for a request descriptor by walking the domain's tree entry by entry, as the
 * reference's {@code GetLimit} does: {@code key_value} first, then wildcards in file order, then
 * the bare {@code key}; a limit applies only on the node reached by the descriptor's last entry.
 */
final class LimitLookup {
  private LimitLookup() {}

  /**
   * A limit found for a descriptor.
   *
   * @param rule the limit
   * @param sharedValues per entry, the wildcard pattern that stands for its value in the counter
   *     key when the wildcard shares one counter ({@code share_threshold}); null when none does
   */
  record Match(RateLimitRule rule, String[] sharedValues) {

    /**
     * The counter's key: {@code prefix + domain_key_value_key_value_ + windowStart}, built in one
     * go (it is made for every descriptor of every request).
     */
    String counterKey(String prefix, String domain, List<Entry> entries, long windowStart) {
      return key(prefix, domain, entries).append(windowStart).toString();
    }

    /**
     * The key with {@code suffix} in place of a window's start ({@code tb} for a bucket, {@code sw}
     * for a sliding window).
     */
    String counterKey(String prefix, String domain, List<Entry> entries, String suffix) {
      return key(prefix, domain, entries).append(suffix).toString();
    }

    /** The key up to what tells its windows or bucket apart, sized for a window's start. */
    private StringBuilder key(String prefix, String domain, List<Entry> entries) {
      int length = prefix.length() + domain.length() + 21;
      for (int i = 0; i < entries.size(); i++) {
        length += entries.get(i).key().length() + entries.get(i).value().length() + 2;
      }
      StringBuilder key = new StringBuilder(length).append(prefix).append(domain).append('_');
      for (int i = 0; i < entries.size(); i++) {
        Entry entry = entries.get(i);
        String value =
            sharedValues != null && sharedValues[i] != null ? sharedValues[i] : entry.value();
        key.append(entry.key()).append('_').append(value).append('_');
      }
      return key;
    }
  }

  /** The limit for {@code descriptor}, or null when none applies (a hot path: no Optional). */
  static Match find(String domain, DescriptorNode root, Descriptor descriptor) {
    List<Entry> entries = descriptor.entries();
    if (descriptor.limitOverride().isPresent()) {
      Descriptor.LimitOverride override = descriptor.limitOverride().get();
      return new Match(
          RateLimitRule.override(
              override.requestsPerUnit(), override.unit(), overrideStatsKey(domain, entries)),
          null);
    }
    DescriptorNode level = root;
    RateLimitRule found = null;
    boolean detailed = false;
    String[] counterValues = null;
    StringBuilder statsKey = new StringBuilder(domain);
    boolean customStatsKey = false;
    for (int i = 0; i < entries.size(); i++) {
      Entry entry = entries.get(i);
      String composite = entry.key() + "_" + entry.value();
      DescriptorNode next = level.children().get(composite);
      String matchedKey = composite;
      if (next == null) {
        for (DescriptorNode.Wildcard wildcard : level.wildcards()) {
          if (wildcard.matches(composite)) {
            next = wildcard.node();
            matchedKey = wildcard.pattern();
            break;
          }
        }
      }
      if (next == null) {
        next = level.children().get(entry.key());
        matchedKey = entry.key();
      }
      if (next == null) {
        return null;
      }
      String segment = metricSegment(next, entry, matchedKey);
      statsKey.append('.').append(segment);
      customStatsKey |= !segment.equals(matchedKey);
      if (next.shareThreshold()) {
        if (counterValues == null) {
          counterValues = new String[entries.size()];
        }
        counterValues[i] = matchedKey.substring(entry.key().length() + 1);
      }
      if (i == entries.size() - 1 && next.limit().isPresent()) {
        found = next.limit().get();
        detailed = next.detailedMetric();
      }
      if (!next.hasChildren()) {
        break;
      }
      level = next;
    }
    if (found == null) {
      return null;
    }
    if (detailed) {
      return new Match(
          found.withStatsKey(detailedStatsKey(domain, entries, counterValues)), counterValues);
    }
    RateLimitRule rule = customStatsKey ? found.withStatsKey(statsKey.toString()) : found;
    return new Match(rule, counterValues);
  }

  /**
   * The stat name of a {@code detailed_metric} limit, as the reference's GetLimit builds it: every
   * entry with the request's value ({@code domain.k1_v1.k2_v2}), whatever matched it; an entry
   * whose wildcard shares its counter ({@code share_threshold}) keeps the pattern, and then an
   * empty value leaves the bare key.
   */
  private static String detailedStatsKey(String domain, List<Entry> entries, String[] shared) {
    StringBuilder key = new StringBuilder(domain);
    for (int i = 0; i < entries.size(); i++) {
      Entry entry = entries.get(i);
      key.append('.').append(entry.key());
      if (shared != null && shared[i] != null) {
        key.append('_').append(shared[i]);
      } else if (shared == null || !entry.value().isEmpty()) {
        key.append('_').append(entry.value());
      }
    }
    return key.toString();
  }

  /**
   * One level of the stats key, as the reference's GetLimit builds its value_to_metric key: the
   * request's value where the node asks for it ({@code key} alone when the value is empty), except
   * that a wildcard sharing its counter keeps its pattern; otherwise what matched.
   */
  private static String metricSegment(DescriptorNode node, Entry entry, String matchedKey) {
    if (!node.valueToMetric() || node.shareThreshold()) {
      return matchedKey;
    }
    return entry.value().isEmpty() ? entry.key() : entry.key() + "_" + entry.value();
  }

  private static String overrideStatsKey(String domain, List<Entry> entries) {
    StringBuilder key = new StringBuilder(domain).append('.');
    for (int i = 0; i < entries.size(); i++) {
      if (i > 0) {
        key.append('.');
      }
      key.append(entries.get(i).key());
      if (!entries.get(i).value().isEmpty()) {
        key.append('_').append(entries.get(i).value());
      }
    }
    return key.toString();
  }
}
