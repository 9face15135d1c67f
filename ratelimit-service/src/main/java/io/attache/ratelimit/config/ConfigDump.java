package io.attache.ratelimit.config;

import java.util.Map;

/**
 * The debug port's {@code /rlconfig}: one line per limit, as the reference prints it ({@code
 * domain.key_value: unit=SECOND requests_per_unit=10, shadow_mode: false}).
 */
public final class ConfigDump {
  private ConfigDump() {}

  public static String text(RateLimitConfig config) {
    if (config == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, DescriptorNode> domain : config.domains().entrySet()) {
      dump(domain.getValue(), out);
    }
    return out.toString();
  }

  private static void dump(DescriptorNode node, StringBuilder out) {
    node.limit()
        .ifPresent(
            rule ->
                out.append(rule.statsKey())
                    .append(": unit=")
                    .append(rule.unit().map(Enum::name).orElse("UNKNOWN"))
                    // A window no unit equals (our extension) says its length too.
                    .append(
                        rule.unit().isEmpty() && rule.window().isPresent()
                            ? " window=" + rule.window().get().seconds() + "s"
                            : "")
                    .append(" requests_per_unit=")
                    .append(rule.requestsPerUnit())
                    .append(algorithm(rule))
                    .append(", shadow_mode: ")
                    .append(rule.shadowMode())
                    .append('\n'));
    for (DescriptorNode child : node.children().values()) {
      dump(child, out);
    }
  }

  /** Our extensions' algorithms say so; a fixed window, the reference's, stays as it prints. */
  private static String algorithm(RateLimitRule rule) {
    return switch (rule.algorithm()) {
      case FIXED_WINDOW -> "";
      case SLIDING_WINDOW -> " algorithm=sliding_window";
      case TOKEN_BUCKET -> " algorithm=token_bucket burst=" + rule.burst();
    };
  }
}
