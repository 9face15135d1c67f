package io.attache.ratelimit.quota;

import io.attache.ratelimit.config.Unit;
import io.attache.ratelimit.config.Window;
import io.attache.ratelimit.core.Entry;
import io.attache.ratelimit.core.QuotaOverrides;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The records of the quotas topic ({@code attache.control.limits}, compacted), each a JSON object:
 *
 * <ul>
 *   <li>key: the domain and the whole descriptor, {@code {"domain": "api", "entries": [{"key":
 *       "user", "value": "alice"}]}}, as the {@code traffic.ratelimit} events carry them;
 *   <li>value: the quota, {@code {"requests_per_unit": 1000, "unit": "minute"}} ({@code window:
 *       "10s"} in place of {@code unit}, neither to keep the configured window; {@code burst} for a
 *       token bucket; or {@code {"unlimited": true}}), or none (a tombstone) to remove it.
 * </ul>
 *
 * A record that breaks a rule is refused with a {@link QuotaException} naming the field.
 */
final class QuotaRecords {
  private static final long MAX_UINT32 = 4_294_967_295L;
  private static final Set<String> VALUE_FIELDS =
      Set.of("requests_per_unit", "unit", "window", "burst", "unlimited");

  private QuotaRecords() {}

  /** A record's key: the domain and the descriptor's entries, in order. */
  record Key(String domain, List<Entry> entries) {
    /**
     * The one way to write this key, {@code {"domain":"api","entries":[{"key":"user","value":
     * "alice"}]}}: no spaces, fields in this order, only {@code "}, {@code \\} and control
     * characters escaped. Kafka compacts by the key's bytes, so a quota and its tombstone must be
     * written alike.
     */
    String canonical() {
      StringBuilder json = new StringBuilder("{\"domain\":");
      quote(json, domain).append(",\"entries\":[");
      for (int i = 0; i < entries.size(); i++) {
        json.append(i == 0 ? "{\"key\":" : ",{\"key\":");
        quote(json, entries.get(i).key()).append(",\"value\":");
        quote(json, entries.get(i).value()).append('}');
      }
      return json.append("]}").toString();
    }

    private static StringBuilder quote(StringBuilder json, String text) {
      json.append('"');
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '"' || c == '\\') {
          json.append('\\').append(c);
        } else if (c < 0x20) {
          json.append(String.format("\\u%04x", (int) c));
        } else {
          json.append(c);
        }
      }
      return json.append('"');
    }

    /** {@code api user=alice,path=/x}: for logs and audit events. */
    String describe() {
      StringBuilder text = new StringBuilder(domain).append(' ');
      for (int i = 0; i < entries.size(); i++) {
        text.append(i == 0 ? "" : ",")
            .append(entries.get(i).key())
            .append('=')
            .append(entries.get(i).value());
      }
      return text.toString();
    }
  }

  /** A record that cannot be applied, and why. */
  static final class QuotaException extends Exception {
    QuotaException(String message) {
      super(message);
    }
  }

  static Key key(String json) throws QuotaException {
    Map<?, ?> key = object(json, "key");
    for (Object field : key.keySet()) {
      if (!"domain".equals(field) && !"entries".equals(field)) {
        throw new QuotaException("key." + field + ": unknown field (domain, entries)");
      }
    }
    String domain = text(key.get("domain"), "key.domain");
    if (!(key.get("entries") instanceof List<?> descriptor) || descriptor.isEmpty()) {
      throw new QuotaException("key.entries: required, a non-empty list of {key, value}");
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < descriptor.size(); i++) {
      String at = "key.entries[" + i + "]";
      if (!(descriptor.get(i) instanceof Map<?, ?> entry)) {
        throw new QuotaException(at + ": must be an object {key, value}");
      }
      entries.add(
          new Entry(text(entry.get("key"), at + ".key"), text(entry.get("value"), at + ".value")));
    }
    Key parsed = new Key(domain, List.copyOf(entries));
    if (!parsed.canonical().equals(json)) {
      throw new QuotaException(
          "key: not in canonical form (Kafka compacts by the key's bytes, so a quota and its"
              + " tombstone must be written alike); write it as "
              + parsed.canonical());
    }
    return parsed;
  }

  static QuotaOverrides.Quota quota(String json) throws QuotaException {
    Map<?, ?> value = object(json, "value");
    for (Object field : value.keySet()) {
      if (!VALUE_FIELDS.contains(field)) {
        throw new QuotaException(
            "value."
                + field
                + ": unknown field (requests_per_unit, unit, window, burst, unlimited)");
      }
    }
    if (Boolean.TRUE.equals(value.get("unlimited"))) {
      if (value.size() > 1) {
        throw new QuotaException("value.unlimited: alone, without requests_per_unit or a window");
      }
      return new QuotaOverrides.Quota(0, Optional.empty(), Optional.empty(), true);
    }
    if (value.containsKey("unlimited") && !Boolean.FALSE.equals(value.get("unlimited"))) {
      throw new QuotaException("value.unlimited: must be true or false");
    }
    long requests = count(value.get("requests_per_unit"), "value.requests_per_unit", 0);
    if (value.containsKey("unit") && value.containsKey("window")) {
      throw new QuotaException("value.window: give unit or window, not both");
    }
    Optional<Window> window = Optional.empty();
    if (value.containsKey("unit")) {
      window = Optional.of(Window.of(unit(value.get("unit"))));
    } else if (value.containsKey("window")) {
      String text = text(value.get("window"), "value.window");
      window =
          Optional.of(
              Window.parse(text)
                  .orElseThrow(
                      () ->
                          new QuotaException(
                              "value.window: '"
                                  + text
                                  + "' is not a whole number of s, m, h or d up to a year")));
    }
    Optional<Long> burst =
        value.containsKey("burst")
            ? Optional.of(count(value.get("burst"), "value.burst", 1))
            : Optional.empty();
    return new QuotaOverrides.Quota(requests, window, burst, false);
  }

  private static Unit unit(Object value) throws QuotaException {
    String text = text(value, "value.unit");
    return Arrays.stream(Unit.values())
        .filter(u -> u.name().equals(text.toUpperCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(
            () ->
                new QuotaException(
                    "value.unit: '"
                        + text
                        + "' is not second, minute, hour, day, week, month or year"));
  }

  private static Map<?, ?> object(String json, String what) throws QuotaException {
    Object parsed;
    try {
      parsed =
          new Load(LoadSettings.builder().setMaxAliasesForCollections(0).build())
              .loadFromString(json);
    } catch (YamlEngineException e) {
      throw new QuotaException(
          what + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new QuotaException(what + ": must be a JSON object");
    }
    return map;
  }

  private static String text(Object value, String path) throws QuotaException {
    if (!(value instanceof String text) || text.isEmpty()) {
      throw new QuotaException(path + ": required, a non-empty string");
    }
    return text;
  }

  private static long count(Object value, String path, long least) throws QuotaException {
    if (value instanceof java.math.BigInteger) {
      throw new QuotaException(
          path + ": must be " + least + " to " + MAX_UINT32 + ", was " + value);
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new QuotaException(path + ": required, a whole number");
    }
    long number = ((Number) value).longValue();
    if (number < least || number > MAX_UINT32) {
      throw new QuotaException(
          path + ": must be " + least + " to " + MAX_UINT32 + ", was " + number);
    }
    return number;
  }
}
