package io.attache.controlplane.source;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import io.attache.crds.v1alpha1.RateLimit;
import io.attache.crds.v1alpha1.RateLimitDescriptor;
import io.attache.crds.v1alpha1.RateLimitPolicySpec;
import io.attache.runtime.xds.RateLimitConfigSchema;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A RateLimitPolicy as the {@code RateLimitConfig} resource the control plane serves to rate-limit
 * services over xDS ({@code CONFIG_TYPE=GRPC_XDS_SOTW}): named {@code namespace/name}, its domain
 * and descriptor tree field for field, our extensions in their own fields. A rule a rate-limit
 * service would refuse is an error here naming its field, so one bad policy is left out rather than
 * making every service NACK the whole configuration.
 */
final class RateLimitConfigs {
  private static final Set<String> UNITS =
      Set.of("SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "YEAR");
  private static final Set<String> ALGORITHMS =
      Set.of("fixed_window", "sliding_window", "token_bucket");
  private static final Pattern WINDOW = Pattern.compile("[1-9][0-9]{0,9}(s|m|h|d)");
  private static final long MAX_UINT32 = 4_294_967_295L;
  private static final long MAX_WINDOW_SECONDS = 31_536_000;
  private static final java.util.Map<String, Long> UNIT_SECONDS =
      java.util.Map.of(
          "SECOND", 1L,
          "MINUTE", 60L,
          "HOUR", 3_600L,
          "DAY", 86_400L,
          "WEEK", 604_800L,
          "MONTH", 2_592_000L,
          "YEAR", 31_536_000L);

  private RateLimitConfigs() {}

  static Optional<DynamicMessage> build(
      String name, RateLimitPolicySpec spec, DocumentErrors errors) {
    DynamicMessage.Builder config =
        DynamicMessage.newBuilder(RateLimitConfigSchema.CONFIG)
            .setField(field(RateLimitConfigSchema.CONFIG, "name"), name)
            .setField(field(RateLimitConfigSchema.CONFIG, "domain"), spec.getDomain());
    boolean valid = siblingsDistinct(spec.getDescriptors(), "spec.descriptors", errors);
    List<RateLimitDescriptor> descriptors = spec.getDescriptors();
    for (int i = 0; i < descriptors.size(); i++) {
      Optional<DynamicMessage> descriptor =
          descriptor(descriptors.get(i), "spec.descriptors[" + i + "]", errors);
      valid &= descriptor.isPresent();
      descriptor.ifPresent(
          d -> config.addRepeatedField(field(RateLimitConfigSchema.CONFIG, "descriptors"), d));
    }
    return valid ? Optional.of(config.build()) : Optional.empty();
  }

  private static Optional<DynamicMessage> descriptor(
      RateLimitDescriptor source, String path, DocumentErrors errors) {
    Descriptor type = RateLimitConfigSchema.DESCRIPTOR;
    DynamicMessage.Builder descriptor = DynamicMessage.newBuilder(type);
    boolean valid = true;
    if (source.getKey() == null || source.getKey().isEmpty()) {
      errors.add(path + ".key", "required");
      valid = false;
    } else {
      descriptor.setField(field(type, "key"), source.getKey());
    }
    if (source.getValue() != null) {
      descriptor.setField(field(type, "value"), source.getValue());
    }
    if (source.getRateLimit() != null) {
      Optional<DynamicMessage> limit = limit(source.getRateLimit(), path + ".rate_limit", errors);
      valid &= replacesNotItself(source.getRateLimit(), path + ".rate_limit", errors);
      valid &= limit.isPresent();
      limit.ifPresent(l -> descriptor.setField(field(type, "rate_limit"), l));
    }
    flag(descriptor, "shadow_mode", source.getShadowMode());
    flag(descriptor, "quota_mode", source.getQuotaMode());
    flag(descriptor, "detailed_metric", source.getDetailedMetric());
    flag(descriptor, "value_to_metric", source.getValueToMetric());
    flag(descriptor, "share_threshold", source.getShareThreshold());
    List<RateLimitDescriptor> children = source.getDescriptors();
    valid &= siblingsDistinct(children, path + ".descriptors", errors);
    if (Boolean.TRUE.equals(source.getShareThreshold())
        && (source.getValue() == null || !source.getValue().contains("*"))) {
      errors.add(path + ".share_threshold", "only on a value with a wildcard (*)");
      valid = false;
    }
    for (int i = 0; i < children.size(); i++) {
      Optional<DynamicMessage> child =
          descriptor(children.get(i), path + ".descriptors[" + i + "]", errors);
      valid &= child.isPresent();
      child.ifPresent(c -> descriptor.addRepeatedField(field(type, "descriptors"), c));
    }
    return valid ? Optional.of(descriptor.build()) : Optional.empty();
  }

  private static Optional<DynamicMessage> limit(
      RateLimit source, String path, DocumentErrors errors) {
    Descriptor type = RateLimitConfigSchema.POLICY;
    DynamicMessage.Builder limit = DynamicMessage.newBuilder(type);
    boolean unlimited = Boolean.TRUE.equals(source.getUnlimited());
    boolean timed = source.getUnit() != null || source.getWindow() != null;
    if (unlimited == timed) {
      errors.add(path, "give unit (or window) and requests_per_unit, or unlimited: true, not both");
      return Optional.empty();
    }
    if (source.getUnit() != null && source.getWindow() != null) {
      errors.add(path + ".window", "give unit or window, not both");
      return Optional.empty();
    }
    if (source.getUnit() != null) {
      String unit = source.getUnit().toUpperCase(Locale.ROOT);
      if (!UNITS.contains(unit)) {
        errors.add(path + ".unit", "must be second, minute, hour, day, week, month or year");
        return Optional.empty();
      }
      limit.setField(field(type, "unit"), RateLimitConfigSchema.UNIT.findValueByName(unit));
    }
    if (source.getWindow() != null) {
      if (!WINDOW.matcher(source.getWindow()).matches()) {
        errors.add(path + ".window", "a whole number of s, m, h or d, e.g. 5s");
        return Optional.empty();
      }
      if (windowSeconds(source.getWindow()) > MAX_WINDOW_SECONDS) {
        errors.add(path + ".window", "at most a year (365d)");
        return Optional.empty();
      }
      limit.setField(field(type, "window"), source.getWindow());
    }
    long requests = source.getRequestsPerUnit() == null ? 0 : source.getRequestsPerUnit();
    if (requests < 0 || requests > MAX_UINT32) {
      errors.add(path + ".requests_per_unit", "0 to 4294967295");
      return Optional.empty();
    }
    limit.setField(field(type, "requests_per_unit"), (int) requests);
    if (source.getAlgorithm() != null) {
      if (!ALGORITHMS.contains(source.getAlgorithm().toLowerCase(Locale.ROOT))) {
        errors.add(path + ".algorithm", "fixed_window, sliding_window or token_bucket");
        return Optional.empty();
      }
      limit.setField(field(type, "algorithm"), source.getAlgorithm().toLowerCase(Locale.ROOT));
    }
    if (source.getBurst() != null) {
      if (!"token_bucket".equalsIgnoreCase(String.valueOf(source.getAlgorithm()))
          || source.getBurst() < 1
          || source.getBurst() > MAX_UINT32) {
        errors.add(path + ".burst", "1 to 4294967295, for algorithm token_bucket only");
        return Optional.empty();
      }
      long window =
          source.getWindow() != null
              ? windowSeconds(source.getWindow())
              : UNIT_SECONDS.getOrDefault(
                  String.valueOf(source.getUnit()).toUpperCase(Locale.ROOT), 0L);
      if (requests > 0
          && source.getBurst() > (1L << 53) / -Math.floorDiv(-window * 1_000_000, requests)) {
        errors.add(path + ".burst", "burst × window / requests_per_unit is more than 2^53 µs");
        return Optional.empty();
      }
      limit.setField(field(type, "burst"), (int) (long) source.getBurst());
    }
    if (unlimited) {
      limit.setField(field(type, "unlimited"), true);
    }
    if (source.getName() != null) {
      limit.setField(field(type, "name"), source.getName());
    }
    for (RateLimit.Replaces replaces : source.getReplaces()) {
      limit.addRepeatedField(
          field(type, "replaces"),
          DynamicMessage.newBuilder(RateLimitConfigSchema.REPLACE)
              .setField(field(RateLimitConfigSchema.REPLACE, "name"), replaces.getName())
              .build());
    }
    return Optional.of(limit.build());
  }

  /** As the rate-limit service: two siblings with one key and value would be one node. */
  private static boolean siblingsDistinct(
      List<RateLimitDescriptor> siblings, String path, DocumentErrors errors) {
    Set<String> seen = new java.util.HashSet<>();
    boolean valid = true;
    for (int i = 0; i < siblings.size(); i++) {
      RateLimitDescriptor sibling = siblings.get(i);
      String composite =
          sibling.getKey() + "_" + (sibling.getValue() == null ? "" : sibling.getValue());
      if (!seen.add(composite)) {
        errors.add(path + "[" + i + "]", "duplicate descriptor key '" + composite + "'");
        valid = false;
      }
    }
    return valid;
  }

  private static boolean replacesNotItself(RateLimit limit, String path, DocumentErrors errors) {
    for (RateLimit.Replaces replaces : limit.getReplaces()) {
      if (limit.getName() != null && limit.getName().equals(replaces.getName())) {
        errors.add(path + ".replaces", "a limit may not replace itself");
        return false;
      }
    }
    return true;
  }

  private static long windowSeconds(String window) {
    long amount = Long.parseLong(window.substring(0, window.length() - 1));
    return amount
        * switch (window.charAt(window.length() - 1)) {
          case 's' -> 1;
          case 'm' -> 60;
          case 'h' -> 3_600;
          default -> 86_400;
        };
  }

  private static void flag(DynamicMessage.Builder message, String name, Boolean value) {
    if (Boolean.TRUE.equals(value)) {
      message.setField(field(message.getDescriptorForType(), name), true);
    }
  }

  private static com.google.protobuf.Descriptors.FieldDescriptor field(
      Descriptor type, String name) {
    return type.findFieldByName(name);
  }
}
