package io.attache.controlplane.validate;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules on a number or a duration, through the fields every numeric rule message shares (const,
 * lt, lte, gt, gte, in, not_in, ignore_empty), compared as decimals so that every integer, floating
 * and unsigned type, and durations in seconds, are judged alike. A lower bound above the upper one
 * means "outside the range", as PGV says.
 */
final class NumberRules {
  // A numeric or duration rule message, read once: reading its fields reflectively per value cost
  // more than the comparisons.
  private static final Map<Message, Bounds> BOUNDS = new ConcurrentHashMap<>();

  private record Bounds(
      boolean ignoreEmpty,
      BigDecimal constant,
      BigDecimal lt,
      BigDecimal lte,
      BigDecimal gt,
      BigDecimal gte,
      List<BigDecimal> in,
      List<BigDecimal> notIn) {}

  private NumberRules() {}

  /** const, lt, lte, gt, gte, in and not_in of a numeric or duration rule message. */
  static void check(String kind, Message rules, BigDecimal value, Path path, List<Violation> out) {
    Bounds bounds = BOUNDS.computeIfAbsent(rules, NumberRules::bounds);
    if (bounds.ignoreEmpty() && value.signum() == 0) {
      return;
    }
    BigDecimal constant = bounds.constant();
    BigDecimal lt = bounds.lt();
    BigDecimal lte = bounds.lte();
    BigDecimal gt = bounds.gt();
    BigDecimal gte = bounds.gte();
    String unit = kind.equals("duration") ? "s" : "";
    if (constant != null && value.compareTo(constant) != 0) {
      out.add(
          new Violation(
              path.toString(),
              kind + ".const = " + plain(constant, unit),
              "was " + plain(value, unit)));
    }
    BigDecimal upper = lt != null ? lt : lte;
    BigDecimal lower = gt != null ? gt : gte;
    boolean belowUpper =
        upper == null || (lt != null ? value.compareTo(lt) < 0 : value.compareTo(lte) <= 0);
    boolean aboveLower =
        lower == null || (gt != null ? value.compareTo(gt) > 0 : value.compareTo(gte) >= 0);
    boolean inRange =
        upper != null && lower != null && upper.compareTo(lower) <= 0
            ? belowUpper || aboveLower // an exclusive range: outside [upper, lower]
            : belowUpper && aboveLower;
    if (!inRange) {
      out.add(
          new Violation(
              path.toString(), kind + range(lt, lte, gt, gte, unit), "was " + plain(value, unit)));
    }
    List<BigDecimal> in = bounds.in();
    if (!in.isEmpty() && in.stream().noneMatch(v -> v.compareTo(value) == 0)) {
      out.add(new Violation(path.toString(), kind + ".in = " + in, "was " + plain(value, unit)));
    }
    if (bounds.notIn().stream().anyMatch(v -> v.compareTo(value) == 0)) {
      out.add(new Violation(path.toString(), kind + ".not_in", "was " + plain(value, unit)));
    }
  }

  private static String range(
      BigDecimal lt, BigDecimal lte, BigDecimal gt, BigDecimal gte, String unit) {
    StringBuilder rule = new StringBuilder();
    if (gt != null) {
      rule.append(".gt = ").append(plain(gt, unit));
    }
    if (gte != null) {
      rule.append(".gte = ").append(plain(gte, unit));
    }
    if (lt != null) {
      rule.append(".lt = ").append(plain(lt, unit));
    }
    if (lte != null) {
      rule.append(".lte = ").append(plain(lte, unit));
    }
    return rule.toString();
  }

  private static String plain(BigDecimal value, String unit) {
    return value.stripTrailingZeros().toPlainString() + unit;
  }

  private static Bounds bounds(Message rules) {
    FieldDescriptor ignoreEmpty = rules.getDescriptorForType().findFieldByName("ignore_empty");
    return new Bounds(
        ignoreEmpty != null && (Boolean) rules.getField(ignoreEmpty),
        bound(rules, "const"),
        bound(rules, "lt"),
        bound(rules, "lte"),
        bound(rules, "gt"),
        bound(rules, "gte"),
        list(rules, "in"),
        list(rules, "not_in"));
  }

  private static BigDecimal bound(Message rules, String name) {
    FieldDescriptor field = rules.getDescriptorForType().findFieldByName(name);
    return field == null || !rules.hasField(field) ? null : decimal(rules.getField(field), field);
  }

  private static List<BigDecimal> list(Message rules, String name) {
    FieldDescriptor field = rules.getDescriptorForType().findFieldByName(name);
    if (field == null) {
      return List.of();
    }
    return ((List<?>) rules.getField(field)).stream().map(v -> decimal(v, field)).toList();
  }

  /** A number as its field's type means it (uint32 and uint64 unsigned); a duration in seconds. */
  static BigDecimal decimal(Object value, FieldDescriptor field) {
    if (value instanceof Duration duration) {
      return seconds(duration);
    }
    boolean unsigned =
        switch (field.getType()) {
          case UINT32, FIXED32, UINT64, FIXED64 -> true;
          default -> false;
        };
    if (value instanceof Integer i) {
      return unsigned ? BigDecimal.valueOf(Integer.toUnsignedLong(i)) : BigDecimal.valueOf(i);
    }
    if (value instanceof Long l) {
      return unsigned ? new BigDecimal(Long.toUnsignedString(l)) : BigDecimal.valueOf(l);
    }
    if (value instanceof Float f) {
      return new BigDecimal(Float.toString(f));
    }
    return new BigDecimal(Double.toString((Double) value));
  }

  static BigDecimal seconds(Duration duration) {
    return BigDecimal.valueOf(duration.getSeconds())
        .add(BigDecimal.valueOf(duration.getNanos(), 9));
  }
}
