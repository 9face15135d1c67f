package io.attache.authz.identity.jwt;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A strict RFC 8259 syntax check of a JOSE header or JWT payload, run before the JSON library sees
 * it. It exists because parsers disagree on {@code {"sub":"alice","sub":"admin"}}: most keep the
 * last member silently, some the first, so a token could mean one thing here and another to the
 * upstream that reads it again (RFC 7519 section 4 lets us reject it). Names are compared after
 * unescaping, so {@code "s\u0075b"} duplicates {@code "sub"}. It also refuses what lenient parsers
 * tolerate (comments, single quotes, {@code NaN}, trailing commas) and nesting deeper than {@link
 * #MAX_DEPTH}, which bounds recursion on hostile input.
 *
 * <p>It builds no values: it only answers whether the text is one JSON object without duplicate
 * member names.
 */
final class StrictJson {
  static final int MAX_DEPTH = 32;

  private final String text;
  private int pos;

  private StrictJson(String text) {
    this.text = text;
  }

  /** Empty if {@code json} is a single well-formed object with no duplicate names at any depth. */
  static Optional<String> problemWithObject(String json) {
    StrictJson scanner = new StrictJson(json);
    try {
      scanner.document();
      return Optional.empty();
    } catch (SyntaxError e) {
      return Optional.of(e.getMessage() + " at offset " + scanner.pos);
    }
  }

  private void document() throws SyntaxError {
    skipWhitespace();
    if (peek() != '{') {
      throw new SyntaxError("not a JSON object");
    }
    value(0);
    skipWhitespace();
    if (pos != text.length()) {
      throw new SyntaxError("data after the object");
    }
  }

  private void value(int depth) throws SyntaxError {
    skipWhitespace();
    int c = peek();
    switch (c) {
      case '{' -> object(depth + 1);
      case '[' -> array(depth + 1);
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c == '-' || isDigit(c)) {
          number();
        } else {
          throw new SyntaxError(c < 0 ? "unexpected end" : "unexpected character");
        }
      }
    }
  }

  private void object(int depth) throws SyntaxError {
    checkDepth(depth);
    pos++;
    Set<String> names = new HashSet<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return;
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw new SyntaxError("expected a member name");
      }
      String name = string();
      if (!names.add(name)) {
        throw new SyntaxError("duplicate member name " + LogSafe.quote(name));
      }
      skipWhitespace();
      expect(':');
      value(depth);
      skipWhitespace();
      if (peek() == ',') {
        pos++;
      } else {
        expect('}');
        return;
      }
    }
  }

  private void array(int depth) throws SyntaxError {
    checkDepth(depth);
    pos++;
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return;
    }
    while (true) {
      value(depth);
      skipWhitespace();
      if (peek() == ',') {
        pos++;
      } else {
        expect(']');
        return;
      }
    }
  }

  /** Reads a string starting at its opening quote and returns it unescaped. */
  private String string() throws SyntaxError {
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      int c = peek();
      if (c < 0) {
        throw new SyntaxError("unterminated string");
      }
      pos++;
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw new SyntaxError("control character in a string");
      }
      if (c != '\\') {
        out.append((char) c);
        continue;
      }
      int escaped = peek();
      pos++;
      switch (escaped) {
        case '"', '\\', '/' -> out.append((char) escaped);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(hex4());
        default -> throw new SyntaxError("invalid escape");
      }
    }
  }

  private char hex4() throws SyntaxError {
    if (pos + 4 > text.length()) {
      throw new SyntaxError("truncated \\u escape");
    }
    int value = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Character.digit(text.charAt(pos + i), 16);
      if (digit < 0) {
        throw new SyntaxError("invalid \\u escape");
      }
      value = value * 16 + digit;
    }
    pos += 4;
    return (char) value;
  }

  private void number() throws SyntaxError {
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else {
      digits();
    }
    if (peek() == '.') {
      pos++;
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      digits();
    }
  }

  private void digits() throws SyntaxError {
    if (!isDigit(peek())) {
      throw new SyntaxError("expected a digit");
    }
    while (isDigit(peek())) {
      pos++;
    }
  }

  private void literal(String word) throws SyntaxError {
    if (!text.startsWith(word, pos)) {
      throw new SyntaxError("unexpected character");
    }
    pos += word.length();
  }

  private void expect(char c) throws SyntaxError {
    if (peek() != c) {
      throw new SyntaxError("expected '" + c + "'");
    }
    pos++;
  }

  private void checkDepth(int depth) throws SyntaxError {
    if (depth > MAX_DEPTH) {
      throw new SyntaxError("nested deeper than " + MAX_DEPTH);
    }
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private int peek() {
    return pos < text.length() ? text.charAt(pos) : -1;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  /** Cheap to throw: no stack trace, since hostile input makes these routine. */
  private static final class SyntaxError extends Exception {
    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }
}
