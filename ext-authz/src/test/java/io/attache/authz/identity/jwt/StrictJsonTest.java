package io.attache.authz.identity.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictJsonTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        " { \"sub\" : \"alice\" } ",
        "{\"a\":[1,-2.5e3,true,false,null,\"x\",{}],\"b\":{\"c\":{\"d\":[]}}}",
        "{\"esc\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"}",
        "{\"a\":{\"id\":1},\"b\":{\"id\":2}}"
      })
  void acceptsWellFormedObjects(String json) {
    assertThat(StrictJson.problemWithObject(json)).isEmpty();
  }

  @Test
  void rejectsADuplicateTopLevelName() {
    assertThat(StrictJson.problemWithObject("{\"sub\":\"alice\",\"sub\":\"admin\"}"))
        .hasValueSatisfying(problem -> assertThat(problem).contains("duplicate member name"));
  }

  @Test
  void rejectsADuplicateNameInANestedObject() {
    assertThat(StrictJson.problemWithObject("{\"org\":[{\"id\":1,\"id\":2}]}")).isPresent();
  }

  @Test
  void comparesNamesAfterUnescaping() {
    assertThat(StrictJson.problemWithObject("{\"sub\":\"alice\",\"s\\u0075b\":\"admin\"}"))
        .isPresent();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "[]",
        "\"sub\"",
        "{\"a\":1,}",
        "{\"a\":[1,]}",
        "{'a':1}",
        "{\"a\":NaN}",
        "{\"a\":01}",
        "{\"a\":1.}",
        "{\"a\":1} {}",
        "{\"a\":1 /* c */}",
        "{\"a\":\"\\x41\"}",
        "{\"a\":\"\\u12\"}",
        "{\"a\":\"unterminated}",
        "{\"a\":tru}",
        "{\"a\" 1}",
        "{\"a\":\"tab\there\"}"
      })
  void rejectsWhatLenientParsersTolerate(String json) {
    assertThat(StrictJson.problemWithObject(json)).isPresent();
  }

  @Test
  void rejectsNestingBeyondTheLimit() {
    String deep =
        "{\"a\":" + "[".repeat(StrictJson.MAX_DEPTH) + "]".repeat(StrictJson.MAX_DEPTH) + "}";

    assertThat(StrictJson.problemWithObject(deep)).isPresent();
  }

  @Test
  void acceptsNestingUpToTheLimit() {
    int arrays = StrictJson.MAX_DEPTH - 1;
    String deep = "{\"a\":" + "[".repeat(arrays) + "]".repeat(arrays) + "}";

    assertThat(StrictJson.problemWithObject(deep)).isEmpty();
  }
}
