package io.attache.events.json;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A minimal streaming JSON writer for the event envelope: fields in a fixed order, no reflection,
 * UTF-8 written straight into one reusable byte buffer per writing thread (no intermediate String:
 * the encoded event is the only copy made). It is not a general-purpose JSON library and must never
 * be handed untrusted structure, only strings and numbers to escape.
 */
public final class JsonWriter {
  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] MIN_LONG =
      Long.toString(Long.MIN_VALUE).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * Field names are the same few dozen string constants in every event: each is encoded once and
   * kept here, found by identity, so an event's names cost a copy instead of a scan for characters
   * to escape (names were a third of an event's bytes and of its encoding time).
   */
  private static final int NAME_SLOTS = 256;

  private final String[] nameKeys = new String[NAME_SLOTS];
  private final byte[][] nameBytes = new byte[NAME_SLOTS][];
  private byte[] out;
  private int size;
  private boolean first = true;

  public JsonWriter() {
    this(1024);
  }

  public JsonWriter(int initialCapacity) {
    out = new byte[initialCapacity];
  }

  /** Forgets what was written, keeping the buffer. */
  public JsonWriter reset() {
    size = 0;
    first = true;
    return this;
  }

  /** How many bytes were written. */
  public int size() {
    return size;
  }

  /** The buffer itself, valid up to {@link #size()} until the next write: no copy. */
  public byte[] buffer() {
    return out;
  }

  /** A copy of what was written, in UTF-8. */
  public byte[] toByteArray() {
    return Arrays.copyOf(out, size);
  }

  public JsonWriter beginObject() {
    put('{');
    first = true;
    return this;
  }

  public JsonWriter endObject() {
    put('}');
    first = false;
    return this;
  }

  /**
   * Appends bytes that are already JSON (a run of fields encoded once and reused), inside the
   * current object, after which a field needs its comma.
   */
  public JsonWriter raw(byte[] json) {
    put(json);
    first = false;
    return this;
  }

  /** A field whose value is already encoded JSON, e.g. a quoted string formatted once. */
  public JsonWriter rawField(String name, byte[] jsonValue) {
    name(name);
    put(jsonValue);
    return this;
  }

  /**
   * A UUID as its canonical 36-character string ({@code 8-4-4-4-12} lowercase hex), written
   * straight from its two halves: no String, nothing to escape.
   */
  public JsonWriter uuid(String name, long mostSignificant, long leastSignificant) {
    name(name);
    ensure(38);
    out[size++] = '"';
    hex(mostSignificant >>> 32, 8);
    out[size++] = '-';
    hex(mostSignificant >>> 16, 4);
    out[size++] = '-';
    hex(mostSignificant, 4);
    out[size++] = '-';
    hex(leastSignificant >>> 48, 4);
    out[size++] = '-';
    hex(leastSignificant, 12);
    out[size++] = '"';
    return this;
  }

  /** The low {@code digits} hex digits of {@code value}; capacity is the caller's. */
  private void hex(long value, int digits) {
    for (int i = size + digits - 1; i >= size; i--) {
      out[i] = HEX[(int) (value & 0xf)];
      value >>>= 4;
    }
    size += digits;
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
    number(value);
    return this;
  }

  /** {@code value} read as an unsigned 64-bit integer (protobuf's {@code uint64}). */
  public JsonWriter unsignedField(String name, long value) {
    name(name);
    if (value >= 0) {
      number(value);
    } else {
      put(Long.toUnsignedString(value).getBytes(StandardCharsets.US_ASCII));
    }
    return this;
  }

  public JsonWriter field(String name, boolean value) {
    name(name);
    put(value ? TRUE : FALSE);
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

  /**
   * A string of decimal digits, zero-padded on the left to {@code width}: orders the same as text
   * and as a number, which the CloudEvents {@code sequence} extension asks for.
   */
  public JsonWriter paddedNumber(String name, long value, int width) {
    if (value < 0) {
      throw new IllegalArgumentException("a padded number must not be negative: " + value);
    }
    name(name);
    int digits = digits(value);
    ensure(Math.max(width, digits) + 2);
    out[size++] = '"';
    for (int i = digits; i < width; i++) {
      out[size++] = '0';
    }
    writeDigits(value, digits);
    out[size++] = '"';
    return this;
  }

  public JsonWriter stringArray(String name, List<String> values) {
    name(name);
    put('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        put(',');
      }
      string(values.get(i));
    }
    put(']');
    first = false;
    return this;
  }

  /**
   * Starts an array under {@code name}; elements are objects begun with {@link #beginElement()}.
   */
  public JsonWriter beginArray(String name) {
    name(name);
    put('[');
    first = true;
    return this;
  }

  public JsonWriter beginElement() {
    if (!first) {
      put(',');
    }
    put('{');
    first = true;
    return this;
  }

  public JsonWriter endArray() {
    put(']');
    first = false;
    return this;
  }

  private void name(String name) {
    if (!first) {
      put(',');
    }
    first = false;
    int slot = System.identityHashCode(name) & (NAME_SLOTS - 1);
    if (nameKeys[slot] == name) {
      put(nameBytes[slot]);
      return;
    }
    int start = size;
    string(name);
    put(':');
    nameKeys[slot] = name;
    nameBytes[slot] = Arrays.copyOfRange(out, start, size);
  }

  private void number(long value) {
    if (value == Long.MIN_VALUE) {
      put(MIN_LONG);
      return;
    }
    ensure(20);
    if (value < 0) {
      out[size++] = '-';
      value = -value;
    }
    writeDigits(value, digits(value));
  }

  private static int digits(long value) {
    int digits = 1;
    for (long rest = value / 10; rest > 0; rest /= 10) {
      digits++;
    }
    return digits;
  }

  /** Writes a non-negative value of exactly {@code digits} digits; capacity is the caller's. */
  private void writeDigits(long value, int digits) {
    for (int i = size + digits - 1; i >= size; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    size += digits;
  }

  private void string(String value) {
    int length = value.length();
    // Room for the common case, one byte per char and the quotes; an escaped or non-ASCII char
    // makes its own room, and the rest of the string's again after it.
    ensure(length + 2);
    out[size++] = '"';
    int i = plainPrefix(value, 0);
    while (i < length) {
      i = special(value, i, value.charAt(i)) + 1;
      ensure(length - i + 1);
      i = plainPrefix(value, i);
    }
    put('"');
  }

  /**
   * Copies chars from {@code from} on that need no escaping (printable ASCII, the common case: ids,
   * names, paths) and returns the index of the first that does, or the length. The caller has made
   * room for all of them: in this loop, the hot one of every event, nothing is checked but the
   * char.
   */
  private int plainPrefix(String value, int from) {
    byte[] buffer = out;
    int position = size;
    int length = value.length();
    int i = from;
    for (; i < length; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
        break;
      }
      buffer[position++] = (byte) c;
    }
    size = position;
    return i;
  }

  /** Escapes or UTF-8-encodes one char (two for a surrogate pair); returns the last index used. */
  private int special(String value, int i, char c) {
    ensure(12);
    switch (c) {
      case '"' -> putEscape('"');
      case '\\' -> putEscape('\\');
      case '\n' -> putEscape('n');
      case '\r' -> putEscape('r');
      case '\t' -> putEscape('t');
      default -> {
        if (c < 0x20 || c == 0x2028 || c == 0x2029) {
          // Control characters, and the line separators some JavaScript consumers choke on.
          out[size++] = '\\';
          out[size++] = 'u';
          out[size++] = HEX[(c >> 12) & 0xf];
          out[size++] = HEX[(c >> 8) & 0xf];
          out[size++] = HEX[(c >> 4) & 0xf];
          out[size++] = HEX[c & 0xf];
        } else if (c < 0x800) {
          out[size++] = (byte) (0xc0 | (c >> 6));
          out[size++] = (byte) (0x80 | (c & 0x3f));
        } else if (Character.isHighSurrogate(c)
            && i + 1 < value.length()
            && Character.isLowSurrogate(value.charAt(i + 1))) {
          int codePoint = Character.toCodePoint(c, value.charAt(i + 1));
          out[size++] = (byte) (0xf0 | (codePoint >> 18));
          out[size++] = (byte) (0x80 | ((codePoint >> 12) & 0x3f));
          out[size++] = (byte) (0x80 | ((codePoint >> 6) & 0x3f));
          out[size++] = (byte) (0x80 | (codePoint & 0x3f));
          return i + 1;
        } else if (Character.isSurrogate(c)) {
          // A lone surrogate is not text: replaced as String.getBytes(UTF_8) would.
          out[size++] = '?';
        } else {
          out[size++] = (byte) (0xe0 | (c >> 12));
          out[size++] = (byte) (0x80 | ((c >> 6) & 0x3f));
          out[size++] = (byte) (0x80 | (c & 0x3f));
        }
      }
    }
    return i;
  }

  private void putEscape(char c) {
    out[size++] = '\\';
    out[size++] = (byte) c;
  }

  private void put(char c) {
    ensure(1);
    out[size++] = (byte) c;
  }

  private void put(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, out, size, bytes.length);
    size += bytes.length;
  }

  private void ensure(int more) {
    if (out.length - size < more) {
      grow(more);
    }
  }

  private void grow(int more) {
    out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
  }
}
