package io.attache.crds.schema;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Binds a document as a YAML or JSON reader gave it (maps, lists, scalars) to the typed model.
 * Check it with {@link AdmissionRules} first, which names every mistake precisely; binding skips
 * unknown fields and binds a value of the wrong shape as absent, recording it (with the path as
 * well as the parser can tell) so that nothing the schema missed goes unreported.
 *
 * <p>A number or boolean where text is expected is read as its text ({@code x-version: 2}): YAML
 * writes them unquoted, and the policy means the text.
 */
public final class SpecBinder {
  private SpecBinder() {}

  /**
   * {@code tree} bound to {@code type}; {@code path} prefixes every problem's field path ({@code
   * spec}). Empty only when the tree is not even a mapping.
   */
  public static <T> Optional<T> bind(
      Object tree, Class<T> type, String path, List<FieldProblem> problems) {
    if (!(tree instanceof Map<?, ?>)) {
      problems.add(new FieldProblem(path, "must be a mapping"));
      return Optional.empty();
    }
    JsonMapper mapper =
        JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .addHandler(new Collector(path, problems))
            .build();
    try {
      byte[] json = mapper.writeValueAsBytes(tree);
      return Optional.ofNullable(mapper.readValue(json, type));
    } catch (JacksonException e) {
      problems.add(new FieldProblem(path, "cannot be read: " + e.getOriginalMessage()));
      return Optional.empty();
    }
  }

  /** Records each problem where it is, and lets binding go on with the field left out. */
  private static final class Collector extends DeserializationProblemHandler {
    private final String root;
    private final List<FieldProblem> problems;

    Collector(String root, List<FieldProblem> problems) {
      this.root = root;
      this.problems = problems;
    }

    @Override
    public Object handleUnexpectedToken(
        DeserializationContext context,
        JavaType target,
        JsonToken token,
        JsonParser parser,
        String failure) {
      problems.add(new FieldProblem(valuePath(parser), expected(target.getRawClass(), target)));
      parser.skipChildren();
      return null;
    }

    @Override
    public Object handleMissingInstantiator(
        DeserializationContext context,
        Class<?> target,
        ValueInstantiator instantiator,
        JsonParser parser,
        String failure) {
      problems.add(new FieldProblem(valuePath(parser), expected(target, null)));
      parser.skipChildren();
      return null;
    }

    @Override
    public Object handleWeirdStringValue(
        DeserializationContext context, Class<?> target, String value, String failure) {
      problems.add(new FieldProblem(valuePath(context.getParser()), expected(target, null)));
      return null;
    }

    @Override
    public Object handleWeirdNumberValue(
        DeserializationContext context, Class<?> target, Number value, String failure) {
      problems.add(new FieldProblem(valuePath(context.getParser()), expected(target, null)));
      return null;
    }

    private static String expected(Class<?> target, JavaType type) {
      if (type != null && type.isCollectionLikeType() || List.class.isAssignableFrom(target)) {
        return "must be a list";
      }
      if (target == String.class) {
        return "must be a string";
      }
      if (target == Integer.class || target == Long.class || target == int.class) {
        return "must be an integer";
      }
      if (target == Boolean.class || target == boolean.class) {
        return "must be true or false";
      }
      return "must be a mapping";
    }

    /** Where the value the parser is on sits. */
    private String valuePath(JsonParser parser) {
      TokenStreamContext context = parser.streamReadContext();
      JsonToken token = parser.currentToken();
      if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
        return containerPath(context);
      }
      return containerPath(context) + position(context);
    }

    /** Where the object or list {@code context} reads sits. */
    private String containerPath(TokenStreamContext context) {
      Deque<String> parts = new ArrayDeque<>();
      for (TokenStreamContext at = context;
          at != null && at.getParent() != null && !at.getParent().inRoot();
          at = at.getParent()) {
        parts.push(position(at.getParent()));
      }
      return root + String.join("", parts);
    }

    private static String position(TokenStreamContext context) {
      return context.inArray()
          ? "[" + context.getCurrentIndex() + "]"
          : "." + context.currentName();
    }
  }
}
