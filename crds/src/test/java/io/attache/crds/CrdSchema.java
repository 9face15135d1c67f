package io.attache.crds;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.attache.crds.schema.AdmissionRules;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The openAPIV3Schema of one generated CRD, applied as the API server would at {@code kubectl
 * apply}: the structural part with a JSON Schema validator (OpenAPI v3 schemas are a JSON Schema
 * dialect; the {@code x-kubernetes-*} keywords are skipped by it), and every {@code
 * x-kubernetes-validations} rule evaluated with CEL where it sits, {@code self} bound to the value
 * there. Mocked API server: none can run here, so this stands in for its admission checks.
 */
final class CrdSchema {
  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addLibraries(CelExtensions.strings())
          .addVar("self", SimpleType.DYN)
          .setResultType(SimpleType.BOOL)
          .build();
  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().addLibraries(CelExtensions.strings()).build();

  private final Map<String, Object> openApi;
  private final Schema structural;

  @SuppressWarnings("unchecked")
  CrdSchema(String crdYaml) {
    Map<String, Object> crd = YAML.unmarshal(crdYaml, Map.class);
    Map<String, Object> spec = (Map<String, Object>) crd.get("spec");
    Map<String, Object> version = ((List<Map<String, Object>>) spec.get("versions")).get(0);
    this.openApi =
        (Map<String, Object>) ((Map<String, Object>) version.get("schema")).get("openAPIV3Schema");
    this.structural =
        REGISTRY.getSchema(
            new ByteArrayInputStream(
                YAML.asJson(closed(openApi)).getBytes(StandardCharsets.UTF_8)));
  }

  /** Every problem with {@code resource} (a whole object: apiVersion, kind, metadata, spec). */
  List<String> problems(Map<String, Object> resource) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> checked = new LinkedHashMap<>(resource);
    checked.remove("metadata"); // the API server checks metadata itself
    checked.remove("apiVersion");
    checked.remove("kind");
    for (Error error : structural.validate(YAML.asJson(checked), InputFormat.JSON)) {
      problems.add(error.toString());
    }
    cel(openApi, AdmissionRules.celValue(checked), "", problems);
    return problems;
  }

  @SuppressWarnings("unchecked")
  private static void cel(
      Map<String, Object> schema, Object value, String path, List<String> problems) {
    if (value == null) {
      return;
    }
    List<Map<String, Object>> rules =
        (List<Map<String, Object>>) schema.getOrDefault("x-kubernetes-validations", List.of());
    for (Map<String, Object> rule : rules) {
      String expression = (String) rule.get("rule");
      try {
        CelRuntime.Program program = RUNTIME.createProgram(COMPILER.compile(expression).getAst());
        Object result = program.eval(Map.of("self", value));
        if (!Boolean.TRUE.equals(result)) {
          problems.add((path.isEmpty() ? "<root>" : path) + ": " + rule.get("message"));
        }
      } catch (Exception e) {
        problems.add(path + ": rule '" + expression + "' failed: " + e.getMessage());
      }
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> properties =
          (Map<String, Object>) schema.getOrDefault("properties", Map.of());
      Object additional = schema.get("additionalProperties");
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        Object child = properties.get(entry.getKey());
        if (child == null && additional instanceof Map<?, ?>) {
          child = additional;
        }
        if (child instanceof Map<?, ?> childSchema) {
          cel(
              (Map<String, Object>) childSchema,
              entry.getValue(),
              path + "." + entry.getKey(),
              problems);
        }
      }
    } else if (value instanceof List<?> list && schema.get("items") instanceof Map<?, ?> items) {
      for (int i = 0; i < list.size(); i++) {
        cel((Map<String, Object>) items, list.get(i), path + "[" + i + "]", problems);
      }
    }
  }

  /**
   * The schema with {@code additionalProperties: false} on every object that declares its fields
   * and keeps no unknown ones: {@code kubectl apply} validates fields strictly by default, so an
   * unknown field is an error there (the API server would otherwise prune it).
   */
  @SuppressWarnings("unchecked")
  private static Object closed(Object schema) {
    if (schema instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), closed(v)));
      if (copy.containsKey("properties")
          && !copy.containsKey("additionalProperties")
          && !Boolean.TRUE.equals(copy.get("x-kubernetes-preserve-unknown-fields"))) {
        copy.put("additionalProperties", false);
      }
      return copy;
    }
    if (schema instanceof List<?> list) {
      return list.stream().map(CrdSchema::closed).toList();
    }
    return schema;
  }
}
