package io.attache.authz.policy;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Identity;
import io.attache.authz.core.RequestReads;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A header or metadata value with placeholders filled from the identity and request: {@code
 * {identity.principal}}, {@code {identity.method}}, {@code {identity.claims.NAME}}, {@code
 * {identity.metadata.NAME}}, {@code {request.host}}, {@code {request.path}}, {@code
 * {request.method}}. Parsed once at load; an unknown placeholder is a load error, a missing value
 * renders empty (and the caller leaves an empty header out).
 */
public final class Template {
  private final List<Part> parts;

  private sealed interface Part {}

  private record Literal(String text) implements Part {}

  /** A placeholder, resolved to what it reads when parsed (no string matching per request). */
  private record Placeholder(Source source, String name) implements Part {}

  private enum Source {
    PRINCIPAL,
    METHOD,
    CLAIM,
    METADATA,
    REQUEST_HOST,
    REQUEST_PATH,
    REQUEST_METHOD
  }

  private Template(List<Part> parts) {
    this.parts = parts;
  }

  /** Parses {@code text}; throws {@link IllegalArgumentException} naming a bad placeholder. */
  public static Template parse(String text) {
    List<Part> parts = new ArrayList<>();
    int at = 0;
    while (at < text.length()) {
      int open = text.indexOf('{', at);
      if (open < 0) {
        parts.add(new Literal(text.substring(at)));
        break;
      }
      int close = text.indexOf('}', open);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed '{' in \"" + text + "\"");
      }
      if (open > at) {
        parts.add(new Literal(text.substring(at, open)));
      }
      String name = text.substring(open + 1, close).trim();
      parts.add(placeholder(validate(name, text)));
      at = close + 1;
    }
    return new Template(List.copyOf(parts));
  }

  private static String[] validate(String name, String text) {
    String[] path = name.split("\\.", 3);
    boolean ok =
        switch (path[0]) {
          case "identity" ->
              path.length == 2 && (path[1].equals("principal") || path[1].equals("method"))
                  || path.length == 3 && (path[1].equals("claims") || path[1].equals("metadata"));
          case "request" -> path.length == 2 && List.of("host", "path", "method").contains(path[1]);
          default -> false;
        };
    if (!ok) {
      throw new IllegalArgumentException(
          "unknown placeholder {"
              + name
              + "} in \""
              + text
              + "\" (use identity.principal, identity.method, identity.claims.NAME,"
              + " identity.metadata.NAME, request.host, request.path or request.method)");
    }
    return path;
  }

  private static Placeholder placeholder(String[] path) {
    if (path[0].equals("request")) {
      return switch (path[1]) {
        case "host" -> new Placeholder(Source.REQUEST_HOST, "");
        case "path" -> new Placeholder(Source.REQUEST_PATH, "");
        default -> new Placeholder(Source.REQUEST_METHOD, "");
      };
    }
    return switch (path[1]) {
      case "principal" -> new Placeholder(Source.PRINCIPAL, "");
      case "method" -> new Placeholder(Source.METHOD, "");
      case "metadata" -> new Placeholder(Source.METADATA, path[2]);
      default -> new Placeholder(Source.CLAIM, path[2]);
    };
  }

  /** What of a request the template renders. */
  public RequestReads reads() {
    RequestReads reads = RequestReads.NOTHING;
    for (Part part : parts) {
      if (part instanceof Placeholder placeholder) {
        reads =
            switch (placeholder.source()) {
              case REQUEST_HOST -> reads.plus(RequestReads.fields(RequestReads.Field.HOST));
              case REQUEST_PATH -> reads.plus(RequestReads.fields(RequestReads.Field.PATH));
              case REQUEST_METHOD -> reads.plus(RequestReads.fields(RequestReads.Field.METHOD));
              default -> reads;
            };
      }
    }
    return reads;
  }

  public String render(CheckInput input, Identity identity) {
    if (parts.size() == 1) {
      // The usual template is one placeholder ("{identity.principal}"): its value as it is.
      Part only = parts.get(0);
      return only instanceof Literal literal
          ? literal.text()
          : resolve((Placeholder) only, input, identity);
    }
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      if (part instanceof Literal literal) {
        out.append(literal.text());
      } else if (part instanceof Placeholder placeholder) {
        out.append(resolve(placeholder, input, identity));
      }
    }
    return out.toString();
  }

  private static String resolve(Placeholder placeholder, CheckInput input, Identity identity) {
    return switch (placeholder.source()) {
      case PRINCIPAL -> identity.principal();
      case METHOD -> identity.method();
      case METADATA -> identity.metadata().getOrDefault(placeholder.name(), "");
      case CLAIM -> stringify(identity.claims().get(placeholder.name()));
      case REQUEST_HOST -> input.request().host();
      case REQUEST_PATH -> input.request().path();
      case REQUEST_METHOD -> input.request().method();
    };
  }

  private static String stringify(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof List<?> list) {
      return String.join(",", list.stream().map(String::valueOf).toList());
    }
    if (value instanceof Map<?, ?>) {
      return "";
    }
    return String.valueOf(value);
  }
}
