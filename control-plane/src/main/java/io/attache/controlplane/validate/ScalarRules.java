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
import java.util.function.Supplier;
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

  /**
   * Item counts and uniqueness; the items are read only when uniqueness is asked.
   *
   * @param items the list's items, read on demand
   */
  static void checkRepeated(
      FieldRules rules, int count, Supplier<List<Object>> items, Path path, List<Violation> out) {
    if (!rules.hasRepeated() || (rules.getRepeated().getIgnoreEmpty() && count == 0)) {
      return;
    }
    var repeated = rules.getRepeated();
    if (repeated.hasMinItems() && count < repeated.getMinItems()) {
      out.add(
          new Violation(
              path.toString(), "repeated.min_items = " + repeated.getMinItems(), count + " items"));
    }
    if (repeated.hasMaxItems() && count > repeated.getMaxItems()) {
      out.add(
          new Violation(
              path.toString(), "repeated.max_items = " + repeated.getMaxItems(), count + " items"));
    }
    if (repeated.getUnique() && count > 1 && new HashSet<>(items.get()).size() < count) {
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
    // Every rule is tested before its text is built: most fields break none, and building each
    // rule's text for every string of a 50,000-Service state cost more than the checks.
    if (rules.hasLen() || rules.hasMinLen() || rules.hasMaxLen()) {
      int chars = value.codePointCount(0, value.length());
      if (rules.hasLen() && chars != rules.getLen()) {
        violation(path, "string.len = " + rules.getLen(), value, out);
      }
      if (rules.hasMinLen() && chars < rules.getMinLen()) {
        violation(path, "string.min_len = " + rules.getMinLen(), value, out);
      }
      if (rules.hasMaxLen() && chars > rules.getMaxLen()) {
        violation(path, "string.max_len = " + rules.getMaxLen(), value, out);
      }
    }
    if (rules.hasConst() && !value.equals(rules.getConst())) {
      violation(path, "string.const", value, out);
    }
    if (rules.hasMinBytes() || rules.hasMaxBytes()) {
      int bytes = value.getBytes(StandardCharsets.UTF_8).length;
      if (rules.hasMinBytes() && bytes < rules.getMinBytes()) {
        violation(path, "string.min_bytes = " + rules.getMinBytes(), value, out);
      }
      if (rules.hasMaxBytes() && bytes > rules.getMaxBytes()) {
        violation(path, "string.max_bytes = " + rules.getMaxBytes(), value, out);
      }
    }
    if (rules.hasPattern()
        && !PATTERNS.computeIfAbsent(rules.getPattern(), Pattern::compile).matcher(value).find()) {
      violation(path, "string.pattern = " + rules.getPattern(), value, out);
    }
    if (rules.hasPrefix() && !value.startsWith(rules.getPrefix())) {
      violation(path, "string.prefix = " + rules.getPrefix(), value, out);
    }
    if (rules.hasSuffix() && !value.endsWith(rules.getSuffix())) {
      violation(path, "string.suffix = " + rules.getSuffix(), value, out);
    }
    if (rules.hasContains() && !value.contains(rules.getContains())) {
      violation(path, "string.contains = " + rules.getContains(), value, out);
    }
    if (rules.hasNotContains() && value.contains(rules.getNotContains())) {
      violation(path, "string.not_contains = " + rules.getNotContains(), value, out);
    }
    if (rules.getInCount() > 0 && !rules.getInList().contains(value)) {
      violation(path, "string.in = " + rules.getInList(), value, out);
    }
    if (rules.getNotInCount() > 0 && rules.getNotInList().contains(value)) {
      violation(path, "string.not_in = " + rules.getNotInList(), value, out);
    }
    WellKnown.check(rules, value, path, out);
  }

  private static void bytes(FieldRules rules, ByteString value, Path path, List<Violation> out) {
    var b = rules.getBytes();
    if (b.getIgnoreEmpty() && value.isEmpty()) {
      return;
    }
    String shown = value.size() + " bytes";
    if (b.hasConst() && !value.equals(b.getConst())) {
      violation(path, "bytes.const", shown, out);
    }
    if (b.hasLen() && value.size() != b.getLen()) {
      violation(path, "bytes.len = " + b.getLen(), shown, out);
    }
    if (b.hasMinLen() && value.size() < b.getMinLen()) {
      violation(path, "bytes.min_len = " + b.getMinLen(), shown, out);
    }
    if (b.hasMaxLen() && value.size() > b.getMaxLen()) {
      violation(path, "bytes.max_len = " + b.getMaxLen(), shown, out);
    }
  }

  private static void enumValue(
      FieldRules rules, EnumValueDescriptor value, Path path, List<Violation> out) {
    var e = rules.getEnum();
    int number = value.getNumber();
    if (e.hasConst() && number != e.getConst()) {
      violation(path, "enum.const = " + e.getConst(), String.valueOf(number), out);
    }
    if (e.getDefinedOnly() && value.getType().findValueByNumber(number) == null) {
      out.add(
          new Violation(
              path.toString(),
              "enum.defined_only",
              number + " is not a value of " + value.getType().getFullName()));
    }
    if (e.getInCount() > 0 && !e.getInList().contains(number)) {
      violation(path, "enum.in = " + e.getInList(), String.valueOf(number), out);
    }
    if (e.getNotInCount() > 0 && e.getNotInList().contains(number)) {
      violation(path, "enum.not_in = " + e.getNotInList(), String.valueOf(number), out);
    }
  }

  private static void violation(Path path, String rule, String value, List<Violation> out) {
    out.add(new Violation(path.toString(), rule, "was '" + value + "'"));
  }
}
