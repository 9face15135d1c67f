package io.attache.crds;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.deser.std.StdDeserializer;

/**
 * Reads a field that holds a JSON document as text: a string is taken as it is, and anything else
 * (a policy file writing the document as a YAML mapping) is written back as compact JSON.
 */
public final class JsonText extends StdDeserializer<String> {
  public JsonText() {
    super(String.class);
  }

  @Override
  public String deserialize(JsonParser parser, DeserializationContext context) {
    JsonNode node = context.readTree(parser);
    return node.isString() ? node.stringValue() : node.toString();
  }
}
