package io.attache.ratelimit.source;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.attache.runtime.xds.RateLimitConfigSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;

/**
 * A {@code RateLimitConfig} from xDS as the reference's YAML, field for field as the reference
 * turns one into its YAML ({@code ConfigXdsProtoToYaml}), so the one parser reads files and xDS
 * alike and names a bad field by the same path. A field at its proto3 default is left out, except
 * {@code requests_per_unit} (0 is a limit that blocks everything); a unit of {@code UNKNOWN} is
 * left out, which the parser refuses on a limited rule as the reference does.
 */
final class XdsConfigYaml {
  private XdsConfigYaml() {}

  static String yaml(Message config) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("domain", string(config, "domain"));
    List<Object> descriptors = descriptors(config);
    if (!descriptors.isEmpty()) {
      root.put("descriptors", descriptors);
    }
    return new Dump(DumpSettings.builder().build()).dumpToString(root);
  }

  private static List<Object> descriptors(Message parent) {
    List<Object> list = new ArrayList<>();
    FieldDescriptor field = parent.getDescriptorForType().findFieldByName("descriptors");
    for (int i = 0; i < parent.getRepeatedFieldCount(field); i++) {
      Message descriptor = (Message) parent.getRepeatedField(field, i);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("key", string(descriptor, "key"));
      putIfSet(out, "value", string(descriptor, "value"));
      FieldDescriptor rateLimit = field(descriptor, "rate_limit");
      if (descriptor.hasField(rateLimit)) {
        out.put("rate_limit", rateLimit((Message) descriptor.getField(rateLimit)));
      }
      List<Object> children = descriptors(descriptor);
      if (!children.isEmpty()) {
        out.put("descriptors", children);
      }
      for (String flag :
          List.of(
              "shadow_mode",
              "detailed_metric",
              "quota_mode",
              "value_to_metric",
              "share_threshold")) {
        if ((Boolean) descriptor.getField(field(descriptor, flag))) {
          out.put(flag, true);
        }
      }
      list.add(out);
    }
    return list;
  }

  private static Map<String, Object> rateLimit(Message policy) {
    Map<String, Object> out = new LinkedHashMap<>();
    EnumValueDescriptor unit = (EnumValueDescriptor) policy.getField(field(policy, "unit"));
    if (unit.getNumber() != 0) {
      out.put("unit", unit.getName());
    }
    out.put(
        "requests_per_unit",
        Integer.toUnsignedLong((Integer) policy.getField(field(policy, "requests_per_unit"))));
    if ((Boolean) policy.getField(field(policy, "unlimited"))) {
      out.put("unlimited", true);
    }
    putIfSet(out, "name", string(policy, "name"));
    FieldDescriptor replaces = field(policy, "replaces");
    if (policy.getRepeatedFieldCount(replaces) > 0) {
      List<Object> names = new ArrayList<>();
      for (int i = 0; i < policy.getRepeatedFieldCount(replaces); i++) {
        names.add(Map.of("name", string((Message) policy.getRepeatedField(replaces, i), "name")));
      }
      out.put("replaces", names);
    }
    putIfSet(out, "window", string(policy, "window"));
    putIfSet(out, "algorithm", string(policy, "algorithm"));
    long burst = Integer.toUnsignedLong((Integer) policy.getField(field(policy, "burst")));
    if (burst != 0) {
      out.put("burst", burst);
    }
    return out;
  }

  private static void putIfSet(Map<String, Object> out, String name, String value) {
    if (!value.isEmpty()) {
      out.put(name, value);
    }
  }

  private static String string(Message message, String name) {
    return (String) message.getField(field(message, name));
  }

  private static FieldDescriptor field(Message message, String name) {
    return message.getDescriptorForType().findFieldByName(name);
  }

  /** Reads a resource's bytes as a {@code RateLimitConfig}. */
  static DynamicMessage parse(com.google.protobuf.ByteString bytes)
      throws com.google.protobuf.InvalidProtocolBufferException {
    return DynamicMessage.parseFrom(RateLimitConfigSchema.CONFIG, bytes);
  }
}
