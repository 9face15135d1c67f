package io.attache.runtime.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.runtime.InvalidSettingsException;
import io.attache.runtime.Settings;
import io.attache.testsupport.process.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code LOG_LEVEL} and {@code LOG_FORMAT} (the reference rate-limit service's names), read from a
 * real process's environment: the configuration applies from the first line, java.util.logging
 * included.
 */
class LoggingTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;

  private List<String> run(Map<String, String> env) throws Exception {
    Path log = dir.resolve("out-" + System.nanoTime() + ".log");
    try (ChildJvm child = ChildJvm.start(LogLines.class.getName(), env, log)) {
      for (int i = 0; i < 300 && child.isAlive(); i++) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
    return Files.readAllLines(log);
  }

  @Test
  void withJsonEveryLineIsOneObjectWithTheDocumentedFields() throws Exception {
    List<String> lines = run(Map.of("LOG_FORMAT", "json", "LOG_LEVEL", "debug"));

    List<JsonNode> objects = new ArrayList<>();
    for (String line : lines) {
      objects.add(JSON.readTree(line)); // throws on any line that is not one JSON object
    }
    assertThat(objects)
        .extracting(o -> o.get("message").asString())
        .contains(
            "a debug line",
            "quotes \" and a newline\nin one message",
            "with the request's ids",
            "a failure",
            "from java.util.logging",
            "a fine line") // java.util.logging's FINE is debug
        .doesNotContain("kafka chatter"); // Kafka's clients stay at warn
    JsonNode ids = withMessage(objects, "with the request's ids");
    assertThat(ids.get("level").asString()).isEqualTo("WARN");
    assertThat(ids.get("logger").asString()).isEqualTo(LogLines.class.getName());
    assertThat(ids.get("service").asString()).isEqualTo("log-lines");
    assertThat(ids.get("request_id").asString()).isEqualTo("req-7");
    assertThat(ids.get("trace_id").asString()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(ids.get("timestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    JsonNode failure = withMessage(objects, "a failure");
    assertThat(failure.get("exception").asString()).contains("IllegalStateException: boom");
  }

  private static JsonNode withMessage(List<JsonNode> objects, String message) {
    return objects.stream()
        .filter(o -> o.get("message").asString().equals(message))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theDefaultIsTextAtInfo() throws Exception {
    List<String> lines = run(Map.of());

    assertThat(String.join("\n", lines))
        .contains("INFO ", "quotes \" and a newline", "WARN ", "from java.util.logging")
        .doesNotContain("a debug line", "a fine line", "kafka chatter");
    assertThat(lines.get(0)).doesNotStartWith("{");
  }

  @Test
  void aLevelOrFormatTheServiceCannotReadIsASettingsProblemNamingIt() {
    Settings settings = new Settings(Map.of("LOG_LEVEL", "loud", "LOG_FORMAT", "xml"));
    LogSetup.readSettings(settings);

    assertThatThrownBy(settings::validate)
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("LOG_LEVEL=loud: must be one of trace, debug, info, warn, error")
        .hasMessageContaining("LOG_FORMAT=xml: must be one of text, json");
  }

  @Test
  void jsonLogsAreReadyBeforeTheFirstLine() throws Exception {
    // The first line a process writes is already JSON: nothing logs before the configuration.
    List<String> lines = run(Map.of("LOG_FORMAT", "json"));
    assertThat(lines).isNotEmpty();
    assertThat(lines.get(0)).startsWith("{").endsWith("}");
    assertThat(lines).allSatisfy(line -> assertThat(line).startsWith("{"));
  }
}
