package io.attache.runtime.xds;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.StructProto;

/**
 * The schema of the rate-limit service's configuration over xDS: {@code
 * ratelimit.config.ratelimit.v3.RateLimitConfig}, from go-control-plane's {@code
 * ratelimit/config/ratelimit/v3/rls_conf.proto}, the resource the reference service reads with
 * {@code CONFIG_TYPE=GRPC_XDS_SOTW}. No Java build of that file is published, so its messages are
 * described here, field by field with the same numbers, and used as dynamic messages: what goes on
 * the wire is the same bytes.
 *
 * <p>Our extensions, in numbers far from the file's own so they never meet a field it adds: on
 * {@code RateLimitPolicy} {@code window} (1001), {@code algorithm} (1002) and {@code burst} (1003);
 * on {@code RateLimitDescriptor} the reference's YAML fields the file lacks, {@code
 * value_to_metric} (1001) and {@code share_threshold} (1002). The reference does not know them and
 * skips them, as protobuf skips unknown fields.
 */
public final class RateLimitConfigSchema {
  public static final String TYPE_URL =
      "type.googleapis.com/ratelimit.config.ratelimit.v3.RateLimitConfig";

  public static final Descriptor CONFIG;
  public static final Descriptor DESCRIPTOR;
  public static final Descriptor POLICY;
  public static final Descriptor REPLACE;
  public static final EnumDescriptor UNIT;

  static {
    FileDescriptorProto file =
        FileDescriptorProto.newBuilder()
            .setName("ratelimit/config/ratelimit/v3/rls_conf.proto")
            .setPackage("ratelimit.config.ratelimit.v3")
            .setSyntax("proto3")
            .addDependency("google/protobuf/struct.proto")
            .addMessageType(
                message(
                    "RateLimitConfig",
                    field("name", 1, Type.TYPE_STRING),
                    field("domain", 2, Type.TYPE_STRING),
                    repeated(message("descriptors", 3, "RateLimitDescriptor"))))
            .addMessageType(
                message(
                    "RateLimitDescriptor",
                    field("key", 1, Type.TYPE_STRING),
                    field("value", 2, Type.TYPE_STRING),
                    message("rate_limit", 3, "RateLimitPolicy"),
                    repeated(message("descriptors", 4, "RateLimitDescriptor")),
                    field("shadow_mode", 5, Type.TYPE_BOOL),
                    field("detailed_metric", 6, Type.TYPE_BOOL),
                    field("quota_mode", 7, Type.TYPE_BOOL),
                    message("metadata", 8, ".google.protobuf.Struct"),
                    field("value_to_metric", 1001, Type.TYPE_BOOL),
                    field("share_threshold", 1002, Type.TYPE_BOOL)))
            .addMessageType(
                message(
                    "RateLimitPolicy",
                    enumField("unit", 1, "RateLimitUnit"),
                    field("requests_per_unit", 2, Type.TYPE_UINT32),
                    field("unlimited", 3, Type.TYPE_BOOL),
                    field("name", 4, Type.TYPE_STRING),
                    repeated(message("replaces", 5, "RateLimitReplace")),
                    field("window", 1001, Type.TYPE_STRING),
                    field("algorithm", 1002, Type.TYPE_STRING),
                    field("burst", 1003, Type.TYPE_UINT32)))
            .addMessageType(message("RateLimitReplace", field("name", 1, Type.TYPE_STRING)))
            .addEnumType(
                EnumDescriptorProto.newBuilder()
                    .setName("RateLimitUnit")
                    .addValue(value("UNKNOWN", 0))
                    .addValue(value("SECOND", 1))
                    .addValue(value("MINUTE", 2))
                    .addValue(value("HOUR", 3))
                    .addValue(value("DAY", 4))
                    .addValue(value("MONTH", 5))
                    .addValue(value("YEAR", 6))
                    .addValue(value("WEEK", 7)))
            .build();
    try {
      Descriptors.FileDescriptor built =
          Descriptors.FileDescriptor.buildFrom(
              file, new Descriptors.FileDescriptor[] {StructProto.getDescriptor()});
      CONFIG = built.findMessageTypeByName("RateLimitConfig");
      DESCRIPTOR = built.findMessageTypeByName("RateLimitDescriptor");
      POLICY = built.findMessageTypeByName("RateLimitPolicy");
      REPLACE = built.findMessageTypeByName("RateLimitReplace");
      UNIT = built.findEnumTypeByName("RateLimitUnit");
    } catch (Descriptors.DescriptorValidationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private RateLimitConfigSchema() {}

  private static DescriptorProto message(String name, FieldDescriptorProto.Builder... fields) {
    DescriptorProto.Builder message = DescriptorProto.newBuilder().setName(name);
    for (FieldDescriptorProto.Builder field : fields) {
      message.addField(field);
    }
    return message.build();
  }

  private static FieldDescriptorProto.Builder field(String name, int number, Type type) {
    return FieldDescriptorProto.newBuilder()
        .setName(name)
        .setNumber(number)
        .setType(type)
        .setLabel(Label.LABEL_OPTIONAL);
  }

  private static FieldDescriptorProto.Builder message(String name, int number, String type) {
    return field(name, number, Type.TYPE_MESSAGE).setTypeName(type);
  }

  private static FieldDescriptorProto.Builder enumField(String name, int number, String type) {
    return field(name, number, Type.TYPE_ENUM).setTypeName(type);
  }

  private static FieldDescriptorProto.Builder repeated(FieldDescriptorProto.Builder field) {
    return field.setLabel(Label.LABEL_REPEATED);
  }

  private static EnumValueDescriptorProto value(String name, int number) {
    return EnumValueDescriptorProto.newBuilder().setName(name).setNumber(number).build();
  }
}
