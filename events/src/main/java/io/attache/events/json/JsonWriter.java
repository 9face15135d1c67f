package io.attache.events.json;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A minimal streaming JSON writer for the event envelope: fields in a fixed order, no reflection,
 * one reusable buffer per writing thread. It is not a general-purpose JSON library and must never
 * be handed untrusted structure, only strings and numbers to escape.
 */
public final class JsonWriter {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final StringBuilder out;
  private boolean first = true;

  public JsonWriter(StringBuilder out) {
    this.out = out;
  }

  public JsonWriter beginObject() {
    out.append('{');
    first = true;
    return this;
  }

  public JsonWriter endObject() {
    out.append('}');
    first = false;
    return this;
  }

  /** Starts a nested object under {@code name}. */
  public JsonWriter beginObject(String name) {
    name(name);
    return beginObject();
  }

  public JsonWriter field(String name, String value) {
    name(name);
    string(value);
    return this;
  }

  public JsonWriter field(String name, long value) {
    name(name);
    out.append(value);
    return this;
  }

  public JsonWriter field(String name, boolean value) {
    name(name);
    out.append(value);
    return this;
  }

  /** Writes the field only when the value is present: absent fields are left out, never null. */
  public JsonWriter field(String name, Optional<String> value) {
    if (value.isPresent()) {
      field(name, value.get());
    }
    return this;
  }

  public JsonWriter field(String name, OptionalLong value) {
    if (value.isPresent()) {
      field(name, value.getAsLong());
    }
    return this;
  }

  /** A JSON object of string values, in the map's iteration order. */
  public JsonWriter field(String name, Map<String, String> values) {
    beginObject(name);
    values.forEach(this::field);
    return endObject();
  }

  public JsonWriter stringArray(String name, List<String> values) {
    name(name);
    out.append('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      string(values.get(i));
    }
    out.append(']');
    first = false;
    return this;
  }

  /**
   * Starts an array under {@code name}; elements are objects begun with {@link #beginElement()}.
   */
  public JsonWriter beginArray(String name) {
    name(name);
    out.append('[');
    first = true;
    return this;
  }

  public JsonWriter beginElement() {
    if (!first) {
      out.append(',');
    }
    out.append('{');
    first = true;
    return this;
  }

  public JsonWriter endArray() {
    out.append(']');
    first = false;
    return this;
  }

  private void name(String name) {
    if (!first) {
      out.append(',');
    }
    first = false;
    string(name);
    out.append(':');
  }

  private void string(String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          // Control characters, and the line separators some JavaScript consumers choke on.
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append("\\u")
                .append(HEX[(c >> 12) & 0xf])
                .append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
