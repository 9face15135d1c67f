package io.attache.crds.schema;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The checks a generated CRD's schema makes at admission, applied to a document read from a file:
 * types and unknown fields (as {@code kubectl apply}'s strict field validation), {@code required},
 * list and string lengths, {@code pattern}, {@code minimum}/{@code maximum}, and every {@code
 * x-kubernetes-validations} CEL rule where it sits ({@code self} bound to the value there, {@code
 * messageExpression} and {@code fieldPath} honoured). A file is so held to what {@code kubectl
 * apply} is held to, from the same generated schema, before {@link SpecBinder} binds it to the
 * model; the CEL environment is Kubernetes' (standard macros and the strings extension).
 */
public final class AdmissionRules {
  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().addLibraries(CelExtensions.strings()).build();
  private static final Map<String, AdmissionRules> BY_CRD = new ConcurrentHashMap<>();
  private static final int MAX_DEPTH = 64;

  private final Map<String, Object> openApi;
  private final Map<String, CelRuntime.Program> programs = new ConcurrentHashMap<>();

  private AdmissionRules(Map<String, Object> openApi) {
    this.openApi = openApi;
  }

  /**
   * The rules of a CRD generated into this module ({@code authpolicies.attache.io}), read once from
   * {@code META-INF/fabric8/} on the class path.
   */
  public static AdmissionRules forCrd(String crdName) {
    return BY_CRD.computeIfAbsent(crdName, AdmissionRules::load);
  }

  /** The rules of a CRD's {@code openAPIV3Schema}, given as a map. */
  public static AdmissionRules of(Map<String, Object> openApi) {
    return new AdmissionRules(openApi);
  }

  @SuppressWarnings("unchecked")
  private static AdmissionRules load(String crdName) {
    String resource = "/META-INF/fabric8/" + crdName + "-v1.yml";
    try (InputStream in = AdmissionRules.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the class path");
      }
      Map<String, Object> crd = new YAMLMapper().readValue(in, Map.class);
      Map<String, Object> spec = (Map<String, Object>) crd.get("spec");
      Map<String, Object> version = ((List<Map<String, Object>>) spec.get("versions")).get(0);
      return new AdmissionRules(
          (Map<String, Object>)
              ((Map<String, Object>) version.get("schema")).get("openAPIV3Schema"));
    } catch (IOException e) {
      throw new UncheckedIOException(resource, e);
    }
  }

  /**
   * Every problem with {@code value}, the resource's top-level field {@code field} ({@code spec});
   * paths start with the field's name.
   */
  @SuppressWarnings("unchecked")
  public List<FieldProblem> check(String field, Object value) {
    List<FieldProblem> problems = new ArrayList<>();
    Map<String, Object> properties = child(openApi, "properties");
    Object schema = properties.get(field);
    if (schema instanceof Map<?, ?> map) {
      Object plain = plain(value, field, problems);
      if (problems.isEmpty()) {
        walk((Map<String, Object>) map, plain, field, problems);
      }
    }
    return problems;
  }

  @SuppressWarnings("unchecked")
  private void walk(
      Map<String, Object> schema, Object value, String path, List<FieldProblem> problems) {
    if (value == null) {
      // Written but empty ("when:" or "- ~"): never read as the field's default.
      String expected = expected(String.valueOf(schema.get("type")), null);
      if (expected != null) {
        problems.add(new FieldProblem(path, expected));
      }
      return;
    }
    if (!typeFits(schema, value, path, problems)) {
      return;
    }
    keywords(schema, value, path, problems);
    celRules(schema, value, path, problems);
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> properties = child(schema, "properties");
      Object additional = schema.get("additionalProperties");
      map.forEach(
          (key, child) -> {
            Object childSchema = properties.getOrDefault(key, additional);
            if (childSchema instanceof Map<?, ?> s) {
              walk((Map<String, Object>) s, child, path + "." + key, problems);
            }
          });
    } else if (value instanceof List<?> list && schema.get("items") instanceof Map<?, ?> items) {
      for (int i = 0; i < list.size(); i++) {
        walk((Map<String, Object>) items, list.get(i), path + "[" + i + "]", problems);
      }
    }
  }

  /**
   * The value is of the schema's {@code type}; an object without {@code additionalProperties} or
   * {@code x-kubernetes-preserve-unknown-fields} has only the fields it declares (as {@code kubectl
   * apply}'s strict field validation). A number or boolean where text is expected is accepted: YAML
   * writes them unquoted, and the parser reads their text.
   */
  private static boolean typeFits(
      Map<String, Object> schema, Object value, String path, List<FieldProblem> problems) {
    String expected = expected(String.valueOf(schema.get("type")), value);
    if (expected == null && value instanceof Long number && "int32".equals(schema.get("format"))) {
      expected =
          number == number.intValue() ? null : "must be a 32-bit integer (at most 2147483647)";
    }
    if (expected != null) {
      problems.add(new FieldProblem(path, expected));
      return false;
    }
    if (value instanceof Map<?, ?> map
        && schema.get("properties") instanceof Map<?, ?> properties
        && !schema.containsKey("additionalProperties")
        && !Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"))) {
      for (Object key : map.keySet()) {
        if (!properties.containsKey(key)) {
          problems.add(
              new FieldProblem(
                  path + "." + key,
                  "unknown field (expected one of "
                      + String.join(", ", new java.util.TreeSet<>(stringKeys(properties)))
                      + ")"));
        }
      }
    }
    return true;
  }

  /** What a value of that schema type must be, when {@code value} (null: none) is not one. */
  private static String expected(String type, Object value) {
    return switch (type) {
      case "object" -> value instanceof Map<?, ?> ? null : "must be a mapping";
      case "array" -> value instanceof List<?> ? null : "must be a list";
      case "string" ->
          value instanceof String || value instanceof Number || value instanceof Boolean
              ? null
              : "must be a string";
      case "integer" -> value instanceof Long ? null : "must be an integer";
      case "number" -> value instanceof Number ? null : "must be a number";
      case "boolean" -> value instanceof Boolean ? null : "must be true or false";
      default -> null;
    };
  }

  private static List<String> stringKeys(Map<?, ?> map) {
    return map.keySet().stream().map(String::valueOf).toList();
  }

  @SuppressWarnings("unchecked")
  private static void keywords(
      Map<String, Object> schema, Object value, String path, List<FieldProblem> problems) {
    if (value instanceof Map<?, ?> map) {
      for (Object name : (List<Object>) schema.getOrDefault("required", List.of())) {
        if (map.get(name) == null) {
          problems.add(new FieldProblem(path + "." + name, "is required"));
        }
      }
    }
    if (value instanceof List<?> list) {
      bound(schema, "minItems", list.size(), path, "must have at least %s items", problems, true);
      bound(schema, "maxItems", list.size(), path, "must have at most %s items", problems, false);
    }
    if ("string".equals(schema.get("type"))
        && (value instanceof String || value instanceof Number || value instanceof Boolean)) {
      // An unquoted number is checked as the text YAML made of it (leading zeros gone).
      String text = String.valueOf(value);
      int length = text.codePointCount(0, text.length());
      bound(
          schema, "minLength", length, path, "must be at least %s characters long", problems, true);
      bound(
          schema, "maxLength", length, path, "must be at most %s characters long", problems, false);
      if (schema.get("pattern") instanceof String pattern
          && !Pattern.compile(pattern).matcher(text).find()) {
        problems.add(new FieldProblem(path, "must match " + pattern));
      }
    }
    if (value instanceof Number number) {
      bound(schema, "minimum", number.doubleValue(), path, "must be at least %s", problems, true);
      bound(schema, "maximum", number.doubleValue(), path, "must be at most %s", problems, false);
    }
  }

  private static void bound(
      Map<String, Object> schema,
      String keyword,
      double actual,
      String path,
      String message,
      List<FieldProblem> problems,
      boolean lower) {
    if (schema.get(keyword) instanceof Number limit
        && (lower ? actual < limit.doubleValue() : actual > limit.doubleValue())) {
      double value = limit.doubleValue();
      String shown =
          value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
      problems.add(new FieldProblem(path, message.formatted(shown)));
    }
  }

  @SuppressWarnings("unchecked")
  private void celRules(
      Map<String, Object> schema, Object value, String path, List<FieldProblem> problems) {
    for (Map<String, Object> rule :
        (List<Map<String, Object>>) schema.getOrDefault("x-kubernetes-validations", List.of())) {
      String expression = (String) rule.get("rule");
      String where = path + (String) rule.getOrDefault("fieldPath", "");
      try {
        if (!Boolean.TRUE.equals(
            program(expression, SimpleType.BOOL).eval(Map.of("self", value)))) {
          problems.add(new FieldProblem(where, message(rule, value)));
        }
      } catch (CelEvaluationException | RuntimeException e) {
        problems.add(new FieldProblem(where, "failed rule: " + expression + ": " + e.getMessage()));
      }
    }
  }

  /** As Kubernetes: the message expression's text, else the message, else the failed rule. */
  private String message(Map<String, Object> rule, Object value) throws CelEvaluationException {
    if (rule.get("messageExpression") instanceof String expression) {
      return String.valueOf(program(expression, SimpleType.STRING).eval(Map.of("self", value)));
    }
    if (rule.get("message") instanceof String message) {
      return message;
    }
    return "failed rule: " + rule.get("rule");
  }

  private CelRuntime.Program program(String expression, dev.cel.common.types.CelType result) {
    return programs.computeIfAbsent(
        result + " " + expression,
        key -> {
          CelCompiler compiler =
              CelCompilerFactory.standardCelCompilerBuilder()
                  .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                  .addLibraries(CelExtensions.strings())
                  .addVar("self", SimpleType.DYN)
                  .setResultType(result)
                  .build();
          try {
            CelAbstractSyntaxTree ast = compiler.compile(expression).getAst();
            return RUNTIME.createProgram(ast);
          } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalStateException(
                "the generated schema has a bad rule: " + expression, e);
          }
        });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> schema, String key) {
    return schema.get(key) instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  /**
   * A document's value as CEL sees it: 64-bit integers and doubles only, and string keys (YAML
   * readers give ints and floats too).
   */
  public static Object celValue(Object value) {
    return plain(value, "", new ArrayList<>());
  }

  /**
   * {@link #celValue}, reporting what no schema can take: a key that is not text, or nesting past
   * {@link #MAX_DEPTH} (a YAML alias can make a document refer to itself).
   */
  private static Object plain(Object value, String path, List<FieldProblem> problems) {
    try {
      return plain(value, path, problems, 0);
    } catch (TooDeep e) {
      problems.add(new FieldProblem(e.path, "nested more than " + MAX_DEPTH + " levels deep"));
      return null;
    }
  }

  private static Object plain(Object value, String path, List<FieldProblem> problems, int depth) {
    if (depth > MAX_DEPTH) {
      throw new TooDeep(path);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (entry.getKey() instanceof String key) {
          copy.put(key, plain(entry.getValue(), path + "." + key, problems, depth + 1));
        } else {
          problems.add(new FieldProblem(path, "keys must be strings, got " + entry.getKey()));
        }
      }
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        copy.add(plain(list.get(i), path + "[" + i + "]", problems, depth + 1));
      }
      return copy;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof java.math.BigInteger big) {
      return big.bitLength() < 64 ? (Object) big.longValue() : big.doubleValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    return value;
  }

  /** Unwinds a walk that went deeper than any document of ours can. */
  private static final class TooDeep extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String path;

    TooDeep(String path) {
      super(null, null, false, false);
      this.path = path;
    }
  }
}
