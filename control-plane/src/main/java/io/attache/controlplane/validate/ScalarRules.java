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
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

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
      FieldRules rules, FieldDescriptor field, Object value, Path path, List<Violation> out) {
    switch (rules.getTypeCase()) {
      case STRING -> string(rules.getString(), (String) value, path, out);
      case BYTES -> bytes(rules, (ByteString) value, path, out);
      case BOOL -> {
        if (rules.getBool().hasConst() && rules.getBool().getConst() != (Boolean) value) {
          out.add(
              new Violation(
                  path.toString(), "bool.const = " + rules.getBool().getConst(), "was " + value));
        }
      }
      case ENUM -> enumValue(rules, (EnumValueDescriptor) value, path, out);
      case TYPE_NOT_SET -> {}
      default -> {
        FieldDescriptor set =
            rules.getOneofFieldDescriptor(FieldRules.getDescriptor().getOneofs().get(0));
        if (set != null && NUMERIC.contains(set.getName())) {
          NumberRules.check(
              set.getName(),
              (Message) rules.getField(set),
              NumberRules.decimal(value, field),
              path,
              out);
        }
      }
    }
  }

  /** Duration ranges and Any type URLs, on a set message value. */
  static void checkMessage(FieldRules rules, Message value, Path path, List<Violation> out) {
    if (rules.hasDuration() && value instanceof Duration duration) {
      NumberRules.check("duration", rules.getDuration(), NumberRules.seconds(duration), path, out);
    }
    if (rules.hasAny() && value instanceof Any any) {
      List<String> in = rules.getAny().getInList();
      if (!in.isEmpty() && !in.contains(any.getTypeUrl())) {
        out.add(new Violation(path.toString(), "any.in = " + in, "was " + any.getTypeUrl()));
      }
      if (rules.getAny().getNotInList().contains(any.getTypeUrl())) {
        out.add(new Violation(path.toString(), "any.not_in", "was " + any.getTypeUrl()));
      }
    }
  }

  static void checkRepeated(FieldRules rules, List<Object> items, Path path, List<Violation> out) {
    if (!rules.hasRepeated() || (rules.getRepeated().getIgnoreEmpty() && items.isEmpty())) {
      return;
    }
    var repeated = rules.getRepeated();
    if (repeated.hasMinItems() && items.size() < repeated.getMinItems()) {
      out.add(
          new Violation(
              path.toString(),
              "repeated.min_items = " + repeated.getMinItems(),
              items.size() + " items"));
    }
    if (repeated.hasMaxItems() && items.size() > repeated.getMaxItems()) {
      out.add(
          new Violation(
              path.toString(),
              "repeated.max_items = " + repeated.getMaxItems(),
              items.size() + " items"));
    }
    if (repeated.getUnique() && new HashSet<>(items).size() < items.size()) {
      out.add(new Violation(path.toString(), "repeated.unique", "an item is repeated"));
    }
  }

  static void checkPairs(FieldRules rules, int pairs, Path path, List<Violation> out) {
    if (!rules.hasMap() || (rules.getMap().getIgnoreEmpty() && pairs == 0)) {
      return;
    }
    if (rules.getMap().hasMinPairs() && pairs < rules.getMap().getMinPairs()) {
      out.add(
          new Violation(
              path.toString(),
              "map.min_pairs = " + rules.getMap().getMinPairs(),
              pairs + " pairs"));
    }
    if (rules.getMap().hasMaxPairs() && pairs > rules.getMap().getMaxPairs()) {
      out.add(
          new Violation(
              path.toString(),
              "map.max_pairs = " + rules.getMap().getMaxPairs(),
              pairs + " pairs"));
    }
  }

  private static void string(StringRules rules, String value, Path path, List<Violation> out) {
    if (rules.getIgnoreEmpty() && value.isEmpty()) {
      return;
    }
    int chars = value.codePointCount(0, value.length());
    int bytes =
        rules.hasMinBytes() || rules.hasMaxBytes()
            ? value.getBytes(StandardCharsets.UTF_8).length
            : 0;
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

  private static void bytes(FieldRules rules, ByteString value, Path path, List<Violation> out) {
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
      FieldRules rules, EnumValueDescriptor value, Path path, List<Violation> out) {
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
              path.toString(),
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

  private static void expect(
      boolean holds, Path path, String rule, String value, List<Violation> out) {
    if (!holds) {
      out.add(new Violation(path.toString(), rule, "was '" + value + "'"));
    }
  }
}
