package io.attache.controlplane.validate;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import io.envoyproxy.pgv.validate.Validate.StringRules;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules on one value: strings, bytes, numbers (every integer and floating type, through the
 * rule messages' common fields), booleans, enums, durations, {@code Any} type URLs, item and pair
 * counts, with PGV's semantics (a lower bound above the upper one means "outside the range"; {@code
 * ignore_empty} skips the zero value).
 */
final class ScalarRules {
  private static final Set<String> WRAPPERS =
      Set.of(
          "google.protobuf.DoubleValue",
          "google.protobuf.FloatValue",
          "google.protobuf.Int64Value",
          "google.protobuf.UInt64Value",
          "google.protobuf.Int32Value",
          "google.protobuf.UInt32Value",
          "google.protobuf.BoolValue",
          "google.protobuf.StringValue",
          "google.protobuf.BytesValue");
  private static final Set<String> NUMERIC =
      Set.of(
          "float",
          "double",
          "int32",
          "int64",
          "uint32",
          "uint64",
          "sint32",
          "sint64",
          "fixed32",
          "fixed64",
          "sfixed32",
          "sfixed64");

  private ScalarRules() {}

  static boolean isWrapper(Descriptor type) {
    return WRAPPERS.contains(type.getFullName());
  }

  /** Whether an absent message field breaks its rules. */
  static boolean required(FieldRules rules) {
    return (rules.hasMessage() && rules.getMessage().getRequired())
        || (rules.hasDuration() && rules.getDuration().getRequired())
        || (rules.hasAny() && rules.getAny().getRequired())
        || (rules.hasTimestamp() && rules.getTimestamp().getRequired());
  }

  static void check(
      FieldRules rules, FieldDescriptor field, Object value, String path, List<Violation> out) {
    switch (rules.getTypeCase()) {
      case STRING -> string(rules.getString(), (String) value, path, out);
      case BYTES -> bytes(rules, (ByteString) value, path, out);
      case BOOL -> {
        if (rules.getBool().hasConst() && rules.getBool().getConst() != (Boolean) value) {
          out.add(
              new Violation(path, "bool.const = " + rules.getBool().getConst(), "was " + value));
        }
      }
      case ENUM -> enumValue(rules, (EnumValueDescriptor) value, path, out);
      case TYPE_NOT_SET -> {}
      default -> {
        FieldDescriptor set =
            rules.getOneofFieldDescriptor(FieldRules.getDescriptor().getOneofs().get(0));
        if (set != null && NUMERIC.contains(set.getName())) {
          number(set.getName(), (Message) rules.getField(set), decimal(value, field), path, out);
        }
      }
    }
  }

  /** Duration ranges and Any type URLs, on a set message value. */
  static void checkMessage(FieldRules rules, Message value, String path, List<Violation> out) {
    if (rules.hasDuration() && value instanceof Duration duration) {
      number("duration", rules.getDuration(), seconds(duration), path, out);
    }
    if (rules.hasAny() && value instanceof Any any) {
      List<String> in = rules.getAny().getInList();
      if (!in.isEmpty() && !in.contains(any.getTypeUrl())) {
        out.add(new Violation(path, "any.in = " + in, "was " + any.getTypeUrl()));
      }
      if (rules.getAny().getNotInList().contains(any.getTypeUrl())) {
        out.add(new Violation(path, "any.not_in", "was " + any.getTypeUrl()));
      }
    }
  }

  static void checkRepeated(
      FieldRules rules, List<Object> items, String path, List<Violation> out) {
    if (!rules.hasRepeated() || (rules.getRepeated().getIgnoreEmpty() && items.isEmpty())) {
      return;
    }
    var repeated = rules.getRepeated();
    if (repeated.hasMinItems() && items.size() < repeated.getMinItems()) {
      out.add(
          new Violation(
              path, "repeated.min_items = " + repeated.getMinItems(), items.size() + " items"));
    }
    if (repeated.hasMaxItems() && items.size() > repeated.getMaxItems()) {
      out.add(
          new Violation(
              path, "repeated.max_items = " + repeated.getMaxItems(), items.size() + " items"));
    }
    if (repeated.getUnique() && new HashSet<>(items).size() < items.size()) {
      out.add(new Violation(path, "repeated.unique", "an item is repeated"));
    }
  }

  static void checkPairs(FieldRules rules, int pairs, String path, List<Violation> out) {
    if (!rules.hasMap() || (rules.getMap().getIgnoreEmpty() && pairs == 0)) {
      return;
    }
    if (rules.getMap().hasMinPairs() && pairs < rules.getMap().getMinPairs()) {
      out.add(
          new Violation(path, "map.min_pairs = " + rules.getMap().getMinPairs(), pairs + " pairs"));
    }
    if (rules.getMap().hasMaxPairs() && pairs > rules.getMap().getMaxPairs()) {
      out.add(
          new Violation(path, "map.max_pairs = " + rules.getMap().getMaxPairs(), pairs + " pairs"));
    }
  }

  private static void string(StringRules rules, String value, String path, List<Violation> out) {
    if (rules.getIgnoreEmpty() && value.isEmpty()) {
      return;
    }
    int chars = value.codePointCount(0, value.length());
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    expect(!rules.hasConst() || value.equals(rules.getConst()), path, "string.const", value, out);
    expect(
        !rules.hasLen() || chars == rules.getLen(),
        path,
        "string.len = " + rules.getLen(),
        value,
        out);
    expect(
        !rules.hasMinLen() || chars >= rules.getMinLen(),
        path,
        "string.min_len = " + rules.getMinLen(),
        value,
        out);
    expect(
        !rules.hasMaxLen() || chars <= rules.getMaxLen(),
        path,
        "string.max_len = " + rules.getMaxLen(),
        value,
        out);
    expect(
        !rules.hasMinBytes() || bytes >= rules.getMinBytes(),
        path,
        "string.min_bytes = " + rules.getMinBytes(),
        value,
        out);
    expect(
        !rules.hasMaxBytes() || bytes <= rules.getMaxBytes(),
        path,
        "string.max_bytes = " + rules.getMaxBytes(),
        value,
        out);
    expect(
        !rules.hasPattern() || Pattern.compile(rules.getPattern()).matcher(value).find(),
        path,
        "string.pattern = " + rules.getPattern(),
        value,
        out);
    expect(
        !rules.hasPrefix() || value.startsWith(rules.getPrefix()),
        path,
        "string.prefix = " + rules.getPrefix(),
        value,
        out);
    expect(
        !rules.hasSuffix() || value.endsWith(rules.getSuffix()),
        path,
        "string.suffix = " + rules.getSuffix(),
        value,
        out);
    expect(
        !rules.hasContains() || value.contains(rules.getContains()),
        path,
        "string.contains = " + rules.getContains(),
        value,
        out);
    expect(
        !rules.hasNotContains() || !value.contains(rules.getNotContains()),
        path,
        "string.not_contains = " + rules.getNotContains(),
        value,
        out);
    expect(
        rules.getInCount() == 0 || rules.getInList().contains(value),
        path,
        "string.in = " + rules.getInList(),
        value,
        out);
    expect(
        !rules.getNotInList().contains(value),
        path,
        "string.not_in = " + rules.getNotInList(),
        value,
        out);
    WellKnown.check(rules, value, path, out);
  }

  private static void bytes(FieldRules rules, ByteString value, String path, List<Violation> out) {
    var b = rules.getBytes();
    if (b.getIgnoreEmpty() && value.isEmpty()) {
      return;
    }
    String shown = value.size() + " bytes";
    expect(!b.hasConst() || value.equals(b.getConst()), path, "bytes.const", shown, out);
    expect(
        !b.hasLen() || value.size() == b.getLen(), path, "bytes.len = " + b.getLen(), shown, out);
    expect(
        !b.hasMinLen() || value.size() >= b.getMinLen(),
        path,
        "bytes.min_len = " + b.getMinLen(),
        shown,
        out);
    expect(
        !b.hasMaxLen() || value.size() <= b.getMaxLen(),
        path,
        "bytes.max_len = " + b.getMaxLen(),
        shown,
        out);
  }

  private static void enumValue(
      FieldRules rules, EnumValueDescriptor value, String path, List<Violation> out) {
    var e = rules.getEnum();
    int number = value.getNumber();
    expect(
        !e.hasConst() || number == e.getConst(),
        path,
        "enum.const = " + e.getConst(),
        String.valueOf(number),
        out);
    if (e.getDefinedOnly() && value.getType().findValueByNumber(number) == null) {
      out.add(
          new Violation(
              path,
              "enum.defined_only",
              number + " is not a value of " + value.getType().getFullName()));
    }
    expect(
        e.getInCount() == 0 || e.getInList().contains(number),
        path,
        "enum.in = " + e.getInList(),
        String.valueOf(number),
        out);
    expect(
        !e.getNotInList().contains(number),
        path,
        "enum.not_in = " + e.getNotInList(),
        String.valueOf(number),
        out);
  }

  /** const, lt, lte, gt, gte, in and not_in of a numeric or duration rule message. */
  private static void number(
      String kind, Message rules, BigDecimal value, String path, List<Violation> out) {
    Descriptor type = rules.getDescriptorForType();
    FieldDescriptor ignoreEmpty = type.findFieldByName("ignore_empty");
    if (ignoreEmpty != null && (Boolean) rules.getField(ignoreEmpty) && value.signum() == 0) {
      return;
    }
    BigDecimal constant = bound(rules, "const");
    BigDecimal lt = bound(rules, "lt");
    BigDecimal lte = bound(rules, "lte");
    BigDecimal gt = bound(rules, "gt");
    BigDecimal gte = bound(rules, "gte");
    String unit = kind.equals("duration") ? "s" : "";
    if (constant != null && value.compareTo(constant) != 0) {
      out.add(
          new Violation(
              path, kind + ".const = " + plain(constant, unit), "was " + plain(value, unit)));
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
          new Violation(path, kind + range(lt, lte, gt, gte, unit), "was " + plain(value, unit)));
    }
    List<BigDecimal> in = list(rules, "in");
    if (!in.isEmpty() && in.stream().noneMatch(v -> v.compareTo(value) == 0)) {
      out.add(new Violation(path, kind + ".in = " + in, "was " + plain(value, unit)));
    }
    if (list(rules, "not_in").stream().anyMatch(v -> v.compareTo(value) == 0)) {
      out.add(new Violation(path, kind + ".not_in", "was " + plain(value, unit)));
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
  private static BigDecimal decimal(Object value, FieldDescriptor field) {
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

  private static BigDecimal seconds(Duration duration) {
    return BigDecimal.valueOf(duration.getSeconds())
        .add(BigDecimal.valueOf(duration.getNanos(), 9));
  }

  private static void expect(
      boolean holds, String path, String rule, String value, List<Violation> out) {
    if (!holds) {
      out.add(new Violation(path, rule, "was '" + value + "'"));
    }
  }
}
