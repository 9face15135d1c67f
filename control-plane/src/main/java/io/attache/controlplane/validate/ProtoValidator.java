package io.attache.controlplane.validate;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.pgv.validate.Validate;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a message against the {@code validate.rules} its Envoy API descriptors carry, the checks
 * Envoy runs on every resource before it accepts it (protoc-gen-validate): required messages and
 * oneofs, string lengths, patterns and well-known formats, number and duration ranges, defined enum
 * values, item counts, and the same inside every set sub-message, list item, map value and {@code
 * Any} whose type is known. Absent message fields are checked for {@code required} only, as PGV
 * does; proto3 scalars are always checked (an empty name breaks {@code min_len: 1}).
 */
public final class ProtoValidator {
  private final Map<String, Descriptor> anyTypes = new ConcurrentHashMap<>();
  private final Map<FieldDescriptor, FieldRules> rules = new ConcurrentHashMap<>();

  /**
   * @param anyTypes messages whose {@code Any}-packed instances are unpacked and checked (an {@code
   *     Any} of another type is checked for its own rules only)
   */
  public ProtoValidator(List<Descriptor> anyTypes) {
    anyTypes.forEach(d -> this.anyTypes.put("type.googleapis.com/" + d.getFullName(), d));
  }

  /** Every violation in {@code message}, in field order; empty when it is valid. */
  public List<Violation> validate(Message message) {
    List<Violation> violations = new ArrayList<>();
    message(message, "", violations);
    return violations;
  }

  private void message(Message message, String path, List<Violation> out) {
    Descriptor type = message.getDescriptorForType();
    if (type.getOptions().getExtension(Validate.disabled)
        || type.getOptions().getExtension(Validate.ignored)) {
      return;
    }
    for (OneofDescriptor oneof : type.getRealOneofs()) {
      if (oneof.getOptions().getExtension(Validate.required) && !message.hasOneof(oneof)) {
        out.add(new Violation(at(path, oneof.getName()), "oneof required", "none is set"));
      }
    }
    for (FieldDescriptor field : type.getFields()) {
      field(message, field, at(path, field.getName()), out);
    }
  }

  private void field(Message message, FieldDescriptor field, String path, List<Violation> out) {
    OneofDescriptor oneof = field.getRealContainingOneof();
    if (oneof != null && message.getOneofFieldDescriptor(oneof) != field) {
      return; // PGV checks the member of a oneof that is set, and no other
    }
    FieldRules fieldRules = rulesOf(field);
    if (field.isMapField()) {
      map(message, field, fieldRules, path, out);
    } else if (field.isRepeated()) {
      repeated(message, field, fieldRules, path, out);
    } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      singular(message, field, fieldRules, path, out);
    } else {
      ScalarRules.check(fieldRules, field, message.getField(field), path, out);
    }
  }

  private void singular(
      Message message,
      FieldDescriptor field,
      FieldRules fieldRules,
      String path,
      List<Violation> out) {
    if (!message.hasField(field)) {
      if (ScalarRules.required(fieldRules)) {
        out.add(new Violation(path, "message.required", "not set"));
      }
      return;
    }
    value((Message) message.getField(field), field, fieldRules, path, out);
  }

  /** A set message value: wrapper, Duration and Any rules, then its own fields. */
  private void value(
      Message value,
      FieldDescriptor field,
      FieldRules fieldRules,
      String path,
      List<Violation> out) {
    if (fieldRules.hasMessage() && fieldRules.getMessage().getSkip()) {
      return;
    }
    if (ScalarRules.isWrapper(value.getDescriptorForType())) {
      FieldDescriptor inner = value.getDescriptorForType().findFieldByName("value");
      ScalarRules.check(fieldRules, inner, value.getField(inner), path, out);
      return;
    }
    ScalarRules.checkMessage(fieldRules, value, path, out);
    if (value instanceof Any any) {
      unpacked(any, path, out);
      return;
    }
    message(value, path, out);
  }

  private void unpacked(Any any, String path, List<Violation> out) {
    Descriptor type = anyTypes.get(any.getTypeUrl());
    if (type == null) {
      return;
    }
    try {
      message(
          DynamicMessage.parseFrom(type, any.getValue()),
          path + "(" + type.getFullName() + ")",
          out);
    } catch (InvalidProtocolBufferException e) {
      out.add(new Violation(path, "any", "cannot be read as " + type.getFullName()));
    }
  }

  private void repeated(
      Message message,
      FieldDescriptor field,
      FieldRules fieldRules,
      String path,
      List<Violation> out) {
    int count = message.getRepeatedFieldCount(field);
    List<Object> items = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      items.add(message.getRepeatedField(field, i));
    }
    ScalarRules.checkRepeated(fieldRules, items, path, out);
    FieldRules itemRules =
        fieldRules.hasRepeated() && fieldRules.getRepeated().hasItems()
            ? fieldRules.getRepeated().getItems()
            : FieldRules.getDefaultInstance();
    for (int i = 0; i < count; i++) {
      String itemPath = path + "[" + i + "]";
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        value((Message) items.get(i), field, itemRules, itemPath, out);
      } else {
        ScalarRules.check(itemRules, field, items.get(i), itemPath, out);
      }
    }
  }

  private void map(
      Message message,
      FieldDescriptor field,
      FieldRules fieldRules,
      String path,
      List<Violation> out) {
    int count = message.getRepeatedFieldCount(field);
    ScalarRules.checkPairs(fieldRules, count, path, out);
    FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
    FieldRules keyRules =
        fieldRules.hasMap() ? fieldRules.getMap().getKeys() : FieldRules.getDefaultInstance();
    FieldRules valueRules =
        fieldRules.hasMap() ? fieldRules.getMap().getValues() : FieldRules.getDefaultInstance();
    for (int i = 0; i < count; i++) {
      Message entry = (Message) message.getRepeatedField(field, i);
      Object key = entry.getField(keyField);
      String entryPath = path + "[" + key + "]";
      ScalarRules.check(keyRules, keyField, key, entryPath + " key", out);
      if (valueField.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        value((Message) entry.getField(valueField), valueField, valueRules, entryPath, out);
      } else {
        ScalarRules.check(valueRules, valueField, entry.getField(valueField), entryPath, out);
      }
    }
  }

  private FieldRules rulesOf(FieldDescriptor field) {
    return rules.computeIfAbsent(
        field,
        f ->
            f.getOptions().hasExtension(Validate.rules)
                ? f.getOptions().getExtension(Validate.rules)
                : FieldRules.getDefaultInstance());
  }

  private static String at(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
