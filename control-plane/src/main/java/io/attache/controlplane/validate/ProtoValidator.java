package io.attache.controlplane.validate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.pgv.validate.Validate;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a message against the {@code validate.rules} its Envoy API descriptors carry, the checks
 * Envoy runs on every resource before it accepts it (protoc-gen-validate): required messages and
 * oneofs, string lengths, patterns and well-known formats, number and duration ranges, defined enum
 * values, item counts, and the same inside every set sub-message, list item, map value and {@code
 * Any} whose type is known. Absent message fields are checked for {@code required} only, as PGV
 * does; proto3 scalars are always checked (an empty name breaks {@code min_len: 1}). Each message
 * type gets a plan once: the fields with rules and those whose types may hold some, so fields that
 * can break nothing are never read.
 */
public final class ProtoValidator {
  private final Map<String, Descriptor> anyTypes = new HashMap<>();
  private final Map<Descriptor, Plan> plans = new ConcurrentHashMap<>();
  private final Map<Descriptor, Boolean> mayBreak = new ConcurrentHashMap<>();
  // Virtual hosts found valid, by identity for as long as they live: one Gateway port's routes may
  // hold 50,000, and a translation keeps the ones no change touched (the same objects).
  // Its upkeep runs on the caller: handed to the common pool, each of 100,000 puts woke a thread.
  private final Cache<Message, Boolean> validHosts =
      Caffeine.newBuilder().weakKeys().executor(Runnable::run).build();

  /** What to look at in one message type. */
  private record Plan(boolean skip, List<OneofDescriptor> requiredOneofs, List<Checked> fields) {}

  /** A field worth reading: it has rules, or its messages may hold fields that have. */
  private record Checked(FieldDescriptor field, FieldRules rules, boolean nested) {}

  /**
   * @param anyTypes messages whose {@code Any}-packed instances are unpacked and checked (an {@code
   *     Any} of another type is checked for its own rules only)
   */
  public ProtoValidator(List<Descriptor> anyTypes) {
    anyTypes.forEach(d -> this.anyTypes.put("type.googleapis.com/" + d.getFullName(), d));
  }

  /** Every violation in {@code message}, in field order; empty when it is valid. */
  public List<Violation> validate(Message message) {
    Walk walk = new Walk();
    message(message, Path.ROOT, walk);
    return walk.violations;
  }

  /**
   * One {@link #validate} call: what it found, and the shared sub-messages it found valid. A
   * translation gives the routes of one rule one action object and the routes of one HTTPRoute
   * their per-filter configurations once (each an {@code Any} to unpack); a message is immutable
   * and its own validity does not depend on where it sits, so one found valid is not walked again.
   * An invalid one is, so that each place it sits is reported.
   */
  private static final class Walk {
    final List<Violation> violations = new ArrayList<>();
    private Set<Message> valid; // made on first use: most resources share nothing

    boolean knownValid(Message message) {
      return valid != null && valid.contains(message);
    }

    void foundValid(Message message) {
      if (valid == null) {
        valid = Collections.newSetFromMap(new IdentityHashMap<>());
      }
      valid.add(message);
    }
  }

  private void message(Message message, Path path, Walk out) {
    Plan plan = plan(message.getDescriptorForType());
    if (plan.skip()) {
      return;
    }
    for (OneofDescriptor oneof : plan.requiredOneofs()) {
      if (!message.hasOneof(oneof)) {
        out.violations.add(
            new Violation(path.field(oneof.getName()).toString(), "oneof required", "none is set"));
      }
    }
    for (Checked checked : plan.fields()) {
      field(message, checked, path, out);
    }
  }

  private void field(Message message, Checked checked, Path path, Walk out) {
    FieldDescriptor field = checked.field();
    OneofDescriptor oneof = field.getRealContainingOneof();
    if (oneof != null && message.getOneofFieldDescriptor(oneof) != field) {
      return; // PGV checks the member of a oneof that is set, and no other
    }
    if (field.isMapField()) {
      map(message, checked, path.field(field.getName()), out);
    } else if (field.isRepeated()) {
      repeated(message, checked, path.field(field.getName()), out);
    } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      if (!message.hasField(field)) {
        if (ScalarRules.required(checked.rules())) {
          out.violations.add(
              new Violation(path.field(field.getName()).toString(), "message.required", "not set"));
        }
        return;
      }
      value((Message) message.getField(field), checked, path.field(field.getName()), out);
    } else {
      ScalarRules.check(
          checked.rules(),
          field,
          message.getField(field),
          path.field(field.getName()),
          out.violations);
    }
  }

  /** A set message value: wrapper, Duration and Any rules, then its own fields. */
  private void value(Message value, Checked checked, Path path, Walk out) {
    FieldRules rules = checked.rules();
    if (rules.hasMessage() && rules.getMessage().getSkip()) {
      return;
    }
    if (ScalarRules.isWrapper(value.getDescriptorForType())) {
      FieldDescriptor inner = value.getDescriptorForType().findFieldByName("value");
      ScalarRules.check(rules, inner, value.getField(inner), path, out.violations);
      return;
    }
    ScalarRules.checkMessage(rules, value, path, out.violations);
    if (value instanceof Any || value instanceof RouteAction) {
      if (!out.knownValid(value)) {
        int before = out.violations.size();
        if (value instanceof Any any) {
          unpacked(any, path, out);
        } else if (checked.nested()) {
          message(value, path, out);
        }
        if (out.violations.size() == before) {
          out.foundValid(value);
        }
      }
    } else if (value instanceof VirtualHost) {
      if (validHosts.getIfPresent(value) == null) {
        int before = out.violations.size();
        message(value, path, out);
        if (out.violations.size() == before) {
          validHosts.put(value, Boolean.TRUE);
        }
      }
    } else if (checked.nested()) {
      message(value, path, out);
    }
  }

  private void unpacked(Any any, Path path, Walk out) {
    Descriptor type = anyTypes.get(any.getTypeUrl());
    if (type == null) {
      return;
    }
    try {
      message(
          DynamicMessage.parseFrom(type, any.getValue()),
          path.suffix("(" + type.getFullName() + ")"),
          out);
    } catch (InvalidProtocolBufferException e) {
      out.violations.add(
          new Violation(path.toString(), "any", "cannot be read as " + type.getFullName()));
    }
  }

  private void repeated(Message message, Checked checked, Path path, Walk out) {
    FieldDescriptor field = checked.field();
    int count = message.getRepeatedFieldCount(field);
    FieldRules rules = checked.rules();
    if (rules.hasRepeated()) {
      ScalarRules.checkRepeated(
          rules, count, () -> items(message, field, count), path, out.violations);
    }
    FieldRules itemRules =
        rules.hasRepeated() && rules.getRepeated().hasItems()
            ? rules.getRepeated().getItems()
            : FieldRules.getDefaultInstance();
    boolean ofMessages = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
    if (!ofMessages && itemRules.getTypeCase() == FieldRules.TypeCase.TYPE_NOT_SET) {
      return;
    }
    Checked items = new Checked(field, itemRules, checked.nested());
    for (int i = 0; i < count; i++) {
      Object item = message.getRepeatedField(field, i);
      if (ofMessages) {
        value((Message) item, items, path.item(i), out);
      } else {
        ScalarRules.check(itemRules, field, item, path.item(i), out.violations);
      }
    }
  }

  private static List<Object> items(Message message, FieldDescriptor field, int count) {
    List<Object> items = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      items.add(message.getRepeatedField(field, i));
    }
    return items;
  }

  private void map(Message message, Checked checked, Path path, Walk out) {
    FieldDescriptor field = checked.field();
    FieldRules rules = checked.rules();
    int count = message.getRepeatedFieldCount(field);
    ScalarRules.checkPairs(rules, count, path, out.violations);
    FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
    FieldRules keyRules =
        rules.hasMap() ? rules.getMap().getKeys() : FieldRules.getDefaultInstance();
    FieldRules valueRules =
        rules.hasMap() ? rules.getMap().getValues() : FieldRules.getDefaultInstance();
    Checked values = new Checked(valueField, valueRules, checked.nested());
    for (int i = 0; i < count; i++) {
      Message entry = (Message) message.getRepeatedField(field, i);
      Object key = entry.getField(keyField);
      Path entryPath = path.suffix("[" + key + "]");
      ScalarRules.check(keyRules, keyField, key, entryPath.suffix(" key"), out.violations);
      if (valueField.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        value((Message) entry.getField(valueField), values, entryPath, out);
      } else {
        ScalarRules.check(
            valueRules, valueField, entry.getField(valueField), entryPath, out.violations);
      }
    }
  }

  private Plan plan(Descriptor type) {
    return plans.computeIfAbsent(type, this::newPlan);
  }

  private Plan newPlan(Descriptor type) {
    List<OneofDescriptor> oneofs = new ArrayList<>();
    for (OneofDescriptor oneof : type.getRealOneofs()) {
      if (oneof.getOptions().getExtension(Validate.required)) {
        oneofs.add(oneof);
      }
    }
    List<Checked> fields = new ArrayList<>();
    for (FieldDescriptor field : type.getFields()) {
      FieldRules rules = rules(field);
      Descriptor nestedType = messageType(field);
      boolean nested = nestedType != null && mayBreak(nestedType);
      if (nested || !rules.equals(FieldRules.getDefaultInstance())) {
        fields.add(new Checked(field, rules, nested));
      }
    }
    return new Plan(skipped(type), oneofs, fields);
  }

  private static FieldRules rules(FieldDescriptor field) {
    return field.getOptions().hasExtension(Validate.rules)
        ? field.getOptions().getExtension(Validate.rules)
        : FieldRules.getDefaultInstance();
  }

  private static boolean skipped(Descriptor type) {
    return type.getOptions().getExtension(Validate.disabled)
        || type.getOptions().getExtension(Validate.ignored);
  }

  /** The messages a field holds (a map's values), or null for a scalar field. */
  private static Descriptor messageType(FieldDescriptor field) {
    if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
      return null;
    }
    if (!field.isMapField()) {
      return field.getMessageType();
    }
    // A map<string, string> (context_extensions) is a message field too; its values are not.
    FieldDescriptor value = field.getMessageType().findFieldByName("value");
    return value.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? value.getMessageType() : null;
  }

  /**
   * Whether a message of {@code root} may break a rule: some type it can reach (itself included,
   * through fields of types not disabled) has rules of its own or is an Any. Plain reachability, so
   * recursive types (matcher trees, Struct) need no special case; remembered per type.
   */
  private boolean mayBreak(Descriptor root) {
    Boolean known = mayBreak.get(root);
    if (known != null) {
      return known;
    }
    boolean found = false;
    Deque<Descriptor> todo = new ArrayDeque<>(List.of(root));
    Set<Descriptor> seen = new HashSet<>(todo);
    while (!found && !todo.isEmpty()) {
      Descriptor type = todo.pop();
      Boolean memo = mayBreak.get(type);
      if (memo != null) {
        found = memo; // false: nothing it reaches has rules
        continue;
      }
      if (skipped(type)) {
        continue;
      }
      found = type.getFullName().equals(Any.getDescriptor().getFullName()) || ownRules(type);
      for (FieldDescriptor field : type.getFields()) {
        Descriptor next = messageType(field);
        if (next != null && seen.add(next)) {
          todo.push(next);
        }
      }
    }
    mayBreak.put(root, found);
    return found;
  }

  private static boolean ownRules(Descriptor type) {
    for (OneofDescriptor oneof : type.getRealOneofs()) {
      if (oneof.getOptions().getExtension(Validate.required)) {
        return true;
      }
    }
    for (FieldDescriptor field : type.getFields()) {
      if (!rules(field).equals(FieldRules.getDefaultInstance())) {
        return true;
      }
    }
    return false;
  }
}
