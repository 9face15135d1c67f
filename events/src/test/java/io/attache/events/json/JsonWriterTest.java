package io.attache.events.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class JsonWriterTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static String text(JsonWriter json) {
    return new String(json.toByteArray(), StandardCharsets.UTF_8);
  }

  @Test
  void writesFieldsArraysAndNestedObjectsInOrder() {
    JsonWriter json = new JsonWriter(4);
    json.beginObject()
        .field("s", "v")
        .field("n", 42)
        .field("neg", -7)
        .field("b", true)
        .field("absent", Optional.empty())
        .field("present", Optional.of("x"))
        .field("m", Map.of("k", "v"))
        .stringArray("a", List.of("1", "2"))
        .beginArray("objects")
        .beginElement()
        .field("i", 0)
        .endObject()
        .beginElement()
        .field("i", 1)
        .endObject()
        .endArray()
        .endObject();

    assertThat(text(json))
        .isEqualTo(
            "{\"s\":\"v\",\"n\":42,\"neg\":-7,\"b\":true,\"present\":\"x\",\"m\":{\"k\":\"v\"},"
                + "\"a\":[\"1\",\"2\"],\"objects\":[{\"i\":0},{\"i\":1}]}");
  }

  @Test
  void numbersAtTheirLimits() {
    JsonWriter json = new JsonWriter(1);
    json.beginObject()
        .field("zero", 0)
        .field("max", Long.MAX_VALUE)
        .field("min", Long.MIN_VALUE)
        .paddedNumber("seq", 42, 20)
        .paddedNumber("wide", Long.MAX_VALUE, 20)
        .endObject();

    assertThat(text(json))
        .isEqualTo(
            "{\"zero\":0,\"max\":9223372036854775807,\"min\":-9223372036854775808,"
                + "\"seq\":\"00000000000000000042\",\"wide\":\"09223372036854775807\"}");
    assertThatThrownBy(() -> new JsonWriter().paddedNumber("seq", -1, 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void escapesQuotesBackslashesControlCharactersAndLineSeparators() {
    JsonWriter json = new JsonWriter(2);
    json.beginObject().field("v", "a\"b\\c\nd\re\tf\u0001g\u2028h\u2029").endObject();

    assertThat(text(json)).isEqualTo("{\"v\":\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u2028h\\u2029\"}");
  }

  @Test
  void encodesNonAsciiAsUtf8AndLoneSurrogatesAsStringGetBytesDoes() {
    String value = "é€😀 \ud800x\udc00";
    JsonWriter json = new JsonWriter(1);
    json.beginObject().field("v", value).endObject();

    assertThat(json.toByteArray())
        .isEqualTo(("{\"v\":\"" + value + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anyValidTextRoundTripsThroughAJsonParser() {
    Random random = new Random(7);
    JsonWriter json = new JsonWriter(8);
    for (int round = 0; round < 2_000; round++) {
      StringBuilder value = new StringBuilder();
      int length = random.nextInt(40);
      while (value.length() < length) {
        int codePoint =
            switch (random.nextInt(4)) {
              case 0 -> random.nextInt(0x80);
              case 1 -> random.nextInt(0x800);
              case 2 -> 0xe000 + random.nextInt(0x2000);
              default -> 0x10000 + random.nextInt(0x10000);
            };
        value.appendCodePoint(codePoint);
      }
      json.reset().beginObject().field("v", value.toString()).field("n", round).endObject();

      var parsed = JSON.readTree(json.toByteArray());
      assertThat(parsed.get("v").asString()).isEqualTo(value.toString());
      assertThat(parsed.get("n").asInt()).isEqualTo(round);
    }
  }

  @Test
  void aOneByteBufferGrowsThroughLongPlainRunsBetweenEscapes() {
    Random random = new Random(11);
    String specials = "\"\\\n\u0001é€\u2028";
    for (int round = 0; round < 500; round++) {
      StringBuilder value = new StringBuilder();
      int length = random.nextInt(300);
      while (value.length() < length) {
        value.append(
            random.nextInt(50) == 0
                ? specials.charAt(random.nextInt(specials.length()))
                : (char) ('a' + random.nextInt(26)));
      }
      JsonWriter json = new JsonWriter(1);
      json.beginObject().field("v", value.toString()).endObject();

      assertThat(JSON.readTree(json.toByteArray()).get("v").asString()).isEqualTo(value.toString());
    }
  }
}
